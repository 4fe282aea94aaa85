import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { AppliedNotice, DomainClient } from '@domsim/client';
import { CertificateTypes } from '@domsim/directory';
import { trustCertificateUnid } from '@domsim/id-vault';
import { NatsServerNotFoundError, removeRunState, type RunningDomain, StartAbortedError, StartTimeoutError, startDomain, writeRunState } from '@domsim/launcher';
import { abbreviate } from '@domsim/names';
import { createDomain, defaultTopologyPath, DomainDirectoryError, loadTopology } from '@domsim/topology';

import { CliError, ExitCode } from '../cli-error';
import { formatTable } from '../format-table';
import { signalExitCode, watchStopSignals } from '../stop-signals';

export interface DemoOptions {
  readonly data?: string;
  readonly keep: boolean;
}

const SERVER1 = 'CN=server1/O=renovations';
const SERVER2 = 'CN=server2/O=renovations';
const SERVER3 = 'CN=server3/O=renovations';
const TRUST_COMMAND = 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo';
const PROPAGATION_TIMEOUT_MS = 15_000;
/** The UNID of the certificate TRUST_COMMAND creates, derived from what it grants. */
const MFA_CERTIFICATE_UNID = trustCertificateUnid(CertificateTypes.Mfa, 'O=mfatest1', 'O=renovationsvault', '*/O=mfatest1');

/**
 * `domsim demo`: the whole MFA trust flow on a fresh default domain, narrated step by
 * step, with the propagation time the certificate took to reach each server. A stop signal at
 * any step stops every process the demo started.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const root = options.data === undefined ? mkdtempSync(join(tmpdir(), 'domsim-demo-')) : resolve(options.data);
  const removeTemporary = () => {
    if (options.data === undefined) rmSync(root, { recursive: true, force: true });
  };
  const say = (text = '') => process.stdout.write(`${text}\n`);
  const stopSignals = watchStopSignals(() => {
    process.stderr.write(`domsim: second stop signal; processes may still run; stop them with: domsim down --data ${root} --force\n`);
    process.exit(ExitCode.Failed);
  });

  try {
    say('domsim demo: issuing an MFA trust certificate and watching it replicate');
    say();
    say('Step 1. Create the renovations domain and start NATS and its three servers');
    const started = Date.now();
    let domain: RunningDomain;
    try {
      domain = await startFreshDomain(root, stopSignals.signal);
    } catch (error) {
      // A directory that already held something is not the demo's to clean up.
      const rejectedDirectory = error instanceof CliError && error.exitCode === ExitCode.Usage;
      if (!rejectedDirectory) {
        removeRunState(root);
        removeTemporary();
      }
      if (error instanceof StartAbortedError) return interrupted(stopSignals.received() as NodeJS.Signals);
      throw error;
    }
    say(`        ${domain.servers.length} servers answer after ${((Date.now() - started) / 1000).toFixed(1)} s (data in ${root})`);

    const narration = narrate(domain, say);
    // After a stop signal the narration's pending requests fail as the domain stops.
    narration.catch(() => undefined);
    const signal = await Promise.race([narration.then(() => undefined), stopSignals.next()]).finally(async () => {
      if (options.keep && stopSignals.received() === undefined) {
        writeRunState(root, domain.runState());
        await domain.client.close();
        say(`The domain keeps running; stop it with: domsim down --data ${root}`);
      } else {
        await domain.stop();
        removeRunState(root);
        removeTemporary();
        say('The demo domain is stopped.');
      }
    });
    return signal === undefined ? ExitCode.Ok : interrupted(signal);
  } finally {
    stopSignals.dispose();
  }
}

function interrupted(signal: NodeJS.Signals): number {
  process.stderr.write(`domsim: ${signal} received; the demo stopped every process it had started.\n`);
  return signalExitCode(signal);
}

async function startFreshDomain(root: string, signal: AbortSignal): Promise<RunningDomain> {
  try {
    const manifest = createDomain(loadTopology(defaultTopologyPath()), root, { topologySource: 'the default renovations domain' });
    return await startDomain({ root, manifest, detached: false, signal, onProcessStarted: (state) => writeRunState(root, state) });
  } catch (error) {
    if (error instanceof DomainDirectoryError) throw new CliError(`${error.message}; give --data a new directory or omit it`, ExitCode.Usage);
    if (error instanceof NatsServerNotFoundError || error instanceof StartTimeoutError) throw new CliError(error.message);
    throw error;
  }
}

async function narrate(domain: RunningDomain, say: (text?: string) => void): Promise<void> {
  const client = domain.client;
  const trustLine = '/mfatest1 trusts /mfatest1 for MFA';

  say();
  say(`Step 2. Before: show idvault on ${abbreviate(SERVER2)} lists no MFA trust for /mfatest1`);
  const before = await client.runCommand(SERVER2, 'show idvault');
  for (const line of trustLines(before.lines)) say(`        ${line}`);

  say();
  say(`Step 3. At the console of ${abbreviate(SERVER1)}, the ID vault server:`);
  const arrivals = watchArrivals(client);
  const issuedAt = Date.now();
  const reply = await client.runCommand(SERVER1, TRUST_COMMAND);
  say(`        ${reply.echo}`);
  for (const line of reply.lines) say(`        ${line}`);
  if (!reply.ok) throw new CliError(`the trust certificate was not created: ${reply.lines.join(' ')}`);

  say();
  say('Step 4. Replication carries the certificate to every server (times from the save on server1):');
  const times = await arrivals.until([SERVER1, SERVER2, SERVER3], PROPAGATION_TIMEOUT_MS);
  const saved = times.get(SERVER1) ?? issuedAt;
  const rows = [SERVER1, SERVER2, SERVER3].map((server) => {
    const at = times.get(server);
    return [abbreviate(server), at === undefined ? 'not yet' : server === SERVER1 ? 'saved' : 'applied', at === undefined ? '-' : `+${(at - saved).toFixed(1)} ms`];
  });
  for (const line of formatTable(['Server', 'Certificate', 'Time'], rows)) say(`        ${line}`);

  say();
  say(`Step 5. After: show idvault on ${abbreviate(SERVER2)}`);
  const after = await client.runCommand(SERVER2, 'show idvault');
  for (const line of trustLines(after.lines)) say(`        ${line}${line.endsWith(trustLine) ? '   <- the new trust' : ''}`);

  say();
  say(`Step 6. The Certificates view of names.nsf on ${abbreviate(SERVER3)}, a server without a vault:`);
  const view = await client.view(SERVER3, 'names.nsf', 'Certificates');
  const viewRows = view.rows.map((row) => view.columns.map((column) => row.values[column] ?? ''));
  for (const line of formatTable(view.columns, viewRows)) say(`        ${line}`);
  say();
}

function trustLines(lines: readonly string[]): string[] {
  return lines.map((line) => line.replace(/^\[[^\]]*\] \S+ \S+ {3}/, '')).filter((line) => line.includes(' trusts '));
}

/** Records when each server stored the MFA certificate for /mfatest1, from applied notices. */
function watchArrivals(client: DomainClient): { until(servers: readonly string[], timeoutMs: number): Promise<Map<string, number>> } {
  const times = new Map<string, number>();
  let wake: (() => void) | undefined;
  const stop = client.onApplied((notice: AppliedNotice) => {
    const isCertificate = notice.revisions.some((revision) => revision.unid === MFA_CERTIFICATE_UNID && !revision.deleted);
    if (!isCertificate || times.has(notice.server)) return;
    times.set(notice.server, notice.appliedAt);
    wake?.();
  });
  return {
    until: async (servers, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (!servers.every((server) => times.has(server)) && Date.now() < deadline) {
        await new Promise<void>((resolveWake) => {
          wake = resolveWake;
          setTimeout(resolveWake, 100);
        });
      }
      stop();
      return times;
    },
  };
}
