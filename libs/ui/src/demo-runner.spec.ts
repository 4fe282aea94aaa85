import type { ConsoleReply } from '@domsim/client';
import { CertificateTypes } from '@domsim/directory';

import type { ConsoleRelay } from './console-relay';
import { DemoRunner } from './demo-runner';
import type { DomainFeed } from './domain-feed';
import { PropagationTracker } from './propagation';
import { UiRequestError } from './request-validation';

const SERVERS = ['CN=server1/O=renovations', 'CN=server2/O=renovations', 'CN=server3/O=renovations'];
const BASIC = 'Basic cmVub3ZhdGlvbnMgYWRtaW4vcmVub3ZhdGlvbnM6YWRtaW4tZGVtbw==';

/** Creates a relay whose `show server` resolves after a few milliseconds; every other command fails. */
function fakeRelay(options: { rejectCredentials?: boolean } = {}) {
  const commands: string[] = [];
  const relay = {
    run: async (server: string, command: string): Promise<ConsoleReply> => {
      commands.push(command);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (command !== 'show server') throw new Error('the fake console runs only show server');
      if (options.rejectCredentials === true) throw new UiRequestError(401, 'INVALID_CREDENTIALS', `${server} rejected the credentials`);
      return { ok: true, echo: command, lines: [] };
    },
  };
  return { relay: relay as unknown as ConsoleRelay, commands };
}

function fakeFeed() {
  const demos: Array<{ running: boolean; lines: readonly string[] }> = [];
  const feed = { tracker: new PropagationTracker(), setDemo: (demo: { running: boolean; lines: readonly string[] }) => demos.push(demo) };
  return { feed: feed as unknown as DomainFeed, demos };
}

async function settled(promises: ReadonlyArray<Promise<void>>): Promise<Array<PromiseSettledResult<void>>> {
  return Promise.allSettled(promises);
}

describe('DemoRunner.start', () => {
  it('starts one of three concurrent requests', async () => {
    const { relay, commands } = fakeRelay();
    const { feed } = fakeFeed();
    const demo = new DemoRunner('renovations', SERVERS, relay, feed);

    const results = await settled([demo.start(BASIC), demo.start(BASIC), demo.start(BASIC)]);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(rejected).toHaveLength(2);
    for (const result of rejected) expect(result.reason).toMatchObject({ status: 409, code: 'DEMO_RUNNING' });
    expect(commands.filter((command) => command === 'show server')).toHaveLength(1);
  });

  it('frees the demo after rejected credentials', async () => {
    const { relay, commands } = fakeRelay({ rejectCredentials: true });
    const { feed } = fakeFeed();
    const demo = new DemoRunner('renovations', SERVERS, relay, feed);

    await expect(demo.start(BASIC)).rejects.toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    await expect(demo.start(BASIC)).rejects.toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });

    expect(commands).toEqual(['show server', 'show server']);
  });

  it('allows a new start after the demo ends', async () => {
    const { relay } = fakeRelay();
    const { feed, demos } = fakeFeed();
    const demo = new DemoRunner('renovations', SERVERS, relay, feed);

    await demo.start(BASIC);
    await waitFor(() => demos.some((entry) => !entry.running));

    await expect(demo.start(BASIC)).resolves.toBeUndefined();
  });

  it('rejects another domain', async () => {
    const { relay, commands } = fakeRelay();
    const { feed } = fakeFeed();
    const demo = new DemoRunner('acme', ['CN=one/O=acme'], relay, feed);

    await expect(demo.start(BASIC)).rejects.toMatchObject({ status: 409, code: 'DEMO_UNAVAILABLE' });
    expect(commands).toEqual([]);
  });
});

describe('DemoRunner narration', () => {
  it('marks an existing certificate as existing', async () => {
    const trust = 'Vault /renovationsvault: /mfatest1 trusts /mfatest1 for MFA';
    const replies: Record<string, ConsoleReply> = {
      'show server': { ok: true, echo: 'show server', lines: [] },
      'show idvault': { ok: true, echo: 'show idvault', lines: [trust] },
    };
    const relay = {
      run: async (_server: string, command: string): Promise<ConsoleReply> =>
        replies[command] ?? { ok: false, echo: 'mfamgmt create trustcert "*/O=mfatest1" cert.id ********', lines: ['The certificate exists already'], code: 'CERTIFICATE_EXISTS' },
    } as unknown as ConsoleRelay;
    const rows = [{ Type: CertificateTypes.Mfa, 'Issued To': '/mfatest1' }];
    const demos: Array<{ running: boolean; lines: readonly string[] }> = [];
    const feed = {
      tracker: new PropagationTracker(),
      refresh: async () => undefined,
      view: () => ({ servers: SERVERS.map((name) => ({ name, certificates: { columns: [], rows } })) }),
      setDemo: (demo: { running: boolean; lines: readonly string[] }) => demos.push(demo),
    } as unknown as DomainFeed;
    const demo = new DemoRunner('renovations', SERVERS, relay, feed);

    await demo.start(BASIC);
    await waitFor(() => demos.some((entry) => !entry.running));

    const lines = demos[demos.length - 1].lines;
    expect(lines).toContain('  /mfatest1 trusts /mfatest1 for MFA (already trusted)');
    expect(lines).toContain(`  ${trust}   <- the existing trust`);
    expect(lines.some((line) => line.includes('the new trust'))).toBe(false);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
