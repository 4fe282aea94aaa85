import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { AppliedNotice } from '@domsim/client';
import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import { textOf } from './support/console-text';

const SERVER1 = 'server1/renovations';
const SERVER2 = 'server2/renovations';
const SERVER3 = 'server3/renovations';
const HEARTBEAT_MS = 100;

jest.setTimeout(90_000);

/** The default domain with server3 outside the cluster, replicating with server1 every hour. */
function scheduledTopology(): string {
  const text = readFileSync(join(__dirname, '..', 'libs', 'topology', 'domains', 'renovations.yaml'), 'utf8');
  return text.replace('servers: [server1/renovations, server2/renovations, server3/renovations]', 'servers: [server1/renovations, server2/renovations]').replace('interval: 60s', 'interval: 1h');
}

async function mfaRows(domain: StartedTestDomain, server: string) {
  const view = await domain.view(server, 'names.nsf', 'Certificates');
  return view.rows.filter((row) => row.values.Type === 'Multi-Factor Authentication Certificate' && !row.conflict);
}

describe('replication outside the cluster', () => {
  let domain: StartedTestDomain;
  const arrivals: AppliedNotice[] = [];
  let stopWatching: () => void;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().withTopologyText(scheduledTopology()).withEnvironment({ DOMSIM_HEARTBEAT_MS: String(HEARTBEAT_MS) }).start();
    stopWatching = domain.client.onApplied((notice) => {
      if (notice.server === 'CN=server3/O=renovations') arrivals.push(notice);
    });
  });

  afterAll(async () => {
    stopWatching?.();
    await domain?.stop();
  });

  it('reaches the cluster mate at once and server3 not at all', async () => {
    const issued = Date.now();
    const reply = await domain.command(SERVER1, 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo');
    expect(reply.ok).toBe(true);

    await eventually(async () => expect(await mfaRows(domain, SERVER2)).toHaveLength(1), { description: 'the certificate on server2' });
    // Twenty heartbeats give cluster catch-up every chance to leak the change to server3.
    await eventually(() => expect(Date.now() - issued).toBeGreaterThan(20 * HEARTBEAT_MS), { timeoutMs: 10_000 });

    expect(await mfaRows(domain, SERVER3)).toHaveLength(0);
    expect(arrivals).toEqual([]);
  });

  it('reaches server3 with replicate, with counts in the output', async () => {
    const reply = await domain.command(SERVER3, 'replicate server1/renovations');

    expect(reply.ok).toBe(true);
    expect(textOf(reply.lines)).toEqual([
      'Starting replication with server server1/renovations',
      'Pulled names.nsf from server1/renovations: 1 notes added, 0 updated, 0 deleted',
      'Pushed names.nsf to server1/renovations: 0 notes added, 0 updated, 0 deleted',
      'Finished replication with server server1/renovations: 1 notes added, 0 updated, 0 deleted',
    ]);
    expect(await mfaRows(domain, SERVER3)).toHaveLength(1);
  });

  it('follows a changed Connection document without a restart', async () => {
    const second = await domain.command(SERVER1, 'mfamgmt create trustcert "*/OU=sales/O=mfatest1" cert.id mfatest1-demo');
    expect(second.ok).toBe(true);
    const lines: string[] = [];
    const stop = domain.client.onConsoleLines(SERVER3, (notice) => lines.push(notice.line));

    const change = await domain.command(SERVER3, 'sim connection server1/renovations pull-only 1s');

    expect(textOf(change.lines)).toEqual(['Connection document updated: server3/renovations to server1/renovations, pull-only every 1s, 00:00-24:00']);
    await eventually(async () => expect(await mfaRows(domain, SERVER3)).toHaveLength(2), { description: 'the second certificate on server3 by schedule' });
    await eventually(() => expect(textOf(lines)).toContain('Starting replication with server server1/renovations'));
    stop();
    const schedule = textOf((await domain.command(SERVER3, 'show schedule')).lines);
    expect(schedule[1]).toMatch(/^Replicator {2}server1\/renovations {2}pull-only every 1s, 00:00-24:00, all databases {2}next \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
  });

  it('records the history per partner and direction', async () => {
    const health = await domain.health(SERVER3);

    const pulls = health.replication.history.filter((entry) => entry.direction === 'pull' && entry.partner === 'CN=server1/O=renovations');
    expect(pulls).toHaveLength(1);
    expect(pulls[0].lastSuccessAt).toBeGreaterThan(0);
    expect(health.replication.cluster).toBe('');
  });

  it.each([
    ['a short server name', 'replicate server1', 'INVALID_SERVER_NAME'],
    ['an unknown server', 'pull server9/renovations', 'UNKNOWN_SERVER'],
    ['an unknown database', 'push server1/renovations nope.nsf', 'UNKNOWN_DATABASE'],
    ['this server', 'replicate server3/renovations', 'INVALID_SERVER_NAME'],
    ['an invalid interval', 'sim connection server1/renovations pull-push 0s', 'INVALID_CONNECTION'],
    ['an invalid type', 'sim connection server1/renovations sideways 5s', 'INVALID_CONNECTION'],
    ['an invalid window', 'sim connection server1/renovations pull-push 5s 25:00-26:00', 'INVALID_CONNECTION'],
  ])('rejects %s', async (_case, command, code) => {
    const before = (await domain.health(SERVER3)).replicas;

    const reply = await domain.command(SERVER3, command);

    expect(reply.ok).toBe(false);
    expect(reply.code).toBe(code);
    expect((await domain.health(SERVER3)).replicas).toEqual(before);
  });
});
