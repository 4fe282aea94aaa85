import { CertificateTypes } from '@domsim/directory';
import { trustCertificateUnid } from '@domsim/id-vault';
import { abbreviate } from '@domsim/names';

import { stripConsolePrefix } from './console-lines';
import type { ConsoleRelay } from './console-relay';
import type { DomainFeed } from './domain-feed';
import { UiRequestError } from './request-validation';

/** The demo is written for the default domain, whose certifier passwords are public demo secrets. */
export const DEMO_DOMAIN = 'renovations';
const ISSUING_SERVER = 'CN=server1/O=renovations';
const BEFORE_AFTER_SERVER = 'CN=server2/O=renovations';
const TRUST_COMMAND = 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo';
const TRUST_LINE = '/mfatest1 trusts /mfatest1 for MFA';
/** The UNID of the certificate TRUST_COMMAND creates, derived from what it grants. */
export const DEMO_CERTIFICATE_UNID = trustCertificateUnid(CertificateTypes.Mfa, 'O=mfatest1', 'O=renovationsvault', '*/O=mfatest1');
const PROPAGATION_TIMEOUT_MS = 30_000;

/**
 * The guided trust-propagation demo of `domsim demo`, run on the domain the UI watches:
 * show idvault before, issue the MFA trust certificate at server1's console, wait until
 * every server's Certificates view lists it, report the lag per server, show idvault after.
 * Its narration goes to the page through the feed.
 */
export class DemoRunner {
  private running = false;
  private lines: string[] = [];

  constructor(
    private readonly domain: string,
    private readonly servers: readonly string[],
    private readonly relay: ConsoleRelay,
    private readonly feed: DomainFeed,
  ) {}

  /**
   * Starts the demo in the background once `show server` at server1's console has accepted
   * the credentials. The check and the reservation happen in one synchronous step, so of
   * two concurrent calls the second rejects with 409 DEMO_RUNNING.
   * @throws UiRequestError 409 DEMO_UNAVAILABLE or DEMO_RUNNING, or the console's error for the credentials.
   */
  async start(authorization: string): Promise<void> {
    this.assertCanStart();
    this.running = true;
    try {
      await this.relay.run(ISSUING_SERVER, 'show server', authorization);
    } catch (error) {
      this.running = false;
      throw error;
    }
    void this.run(authorization);
  }

  private assertCanStart(): void {
    if (this.domain !== DEMO_DOMAIN || !this.servers.includes(ISSUING_SERVER) || !this.servers.includes(BEFORE_AFTER_SERVER)) {
      throw new UiRequestError(409, 'DEMO_UNAVAILABLE', `the guided demo needs the default ${DEMO_DOMAIN} domain (domsim up without --topology); this is domain ${this.domain}`);
    }
    if (this.running) throw new UiRequestError(409, 'DEMO_RUNNING', 'the demo is already running; wait until it finishes');
  }

  /** Runs the reserved demo; resolves when it has finished or failed, never rejects. */
  private async run(authorization: string): Promise<void> {
    this.lines = [];
    try {
      await this.narrate(authorization);
    } catch (error) {
      this.say(`The demo stopped: ${(error as Error).message}`);
    } finally {
      this.running = false;
      this.feed.setDemo({ running: false, lines: this.lines });
    }
  }

  private async narrate(authorization: string): Promise<void> {
    this.say(`Step 1. Before: show idvault on ${abbreviate(BEFORE_AFTER_SERVER)}`);
    const before = await this.relay.run(BEFORE_AFTER_SERVER, 'show idvault', authorization);
    const trustedBefore = trustLines(before.lines).some((line) => line.endsWith(TRUST_LINE));
    this.say(trustedBefore ? `  ${TRUST_LINE} (already trusted)` : '  no MFA trust for /mfatest1 yet');

    this.say(`Step 2. At the console of ${abbreviate(ISSUING_SERVER)}, the ID vault server:`);
    const reply = await this.relay.run(ISSUING_SERVER, TRUST_COMMAND, authorization);
    this.say(`  ${reply.echo}`);
    for (const line of reply.lines) this.say(`  ${stripConsolePrefix(line)}`);
    if (!reply.ok && reply.code !== 'CERTIFICATE_EXISTS') throw new Error(`the trust certificate was not created (${reply.code ?? 'no code'})`);
    if (!reply.ok) this.say('  The certificate exists already; following where it has arrived.');

    this.say('Step 3. Replication carries the certificate to every server:');
    const arrived = await this.waitForEveryServer();
    const timeline = this.feed.tracker.latestChangeOf(DEMO_CERTIFICATE_UNID);
    for (const server of this.servers) {
      const arrival = timeline?.arrivals.find((entry) => entry.server === server);
      let lag = '';
      if (server === timeline?.originator) lag = ' saved here';
      else if (arrival?.lagMs !== undefined) lag = ` +${arrival.lagMs.toFixed(1)} ms after the save`;
      this.say(`  ${abbreviate(server)}: ${arrived.has(server) ? `in the Certificates view${lag}` : 'not yet'}`);
    }

    this.say(`Step 4. After: show idvault on ${abbreviate(BEFORE_AFTER_SERVER)}`);
    const after = await this.relay.run(BEFORE_AFTER_SERVER, 'show idvault', authorization);
    // The certificate is new only when this run created it; otherwise it existed before the demo.
    const marker = reply.ok ? '   <- the new trust' : '   <- the existing trust';
    for (const line of trustLines(after.lines)) this.say(`  ${line}${line.endsWith(TRUST_LINE) ? marker : ''}`);
    this.say(arrived.size === this.servers.length ? 'Done: every server holds the MFA trust certificate.' : 'Done, but not every server holds the certificate yet; see the timeline.');
  }

  /** Waits until every server's Certificates view lists the demo certificate, or the timeout. */
  private async waitForEveryServer(): Promise<Set<string>> {
    const deadline = Date.now() + PROPAGATION_TIMEOUT_MS;
    for (;;) {
      await this.feed.refresh();
      const view = this.feed.view();
      const arrived = new Set(view.servers.filter((server) => server.certificates?.rows.some(isDemoCertificate)).map((server) => server.name));
      if (arrived.size === this.servers.length || Date.now() >= deadline) return arrived;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private say(line: string): void {
    this.lines.push(line);
    this.feed.setDemo({ running: this.running, lines: [...this.lines] });
  }
}

function isDemoCertificate(row: Readonly<Record<string, string>>): boolean {
  const values = Object.values(row);
  return values.includes(CertificateTypes.Mfa) && values.some((value) => value.includes('mfatest1'));
}

function trustLines(lines: readonly string[]): string[] {
  return lines.map(stripConsolePrefix).filter((line) => line.includes(' trusts '));
}
