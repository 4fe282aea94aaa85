import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import { textOf } from './support/console-text';

const SERVER1 = 'server1/renovations';
const SERVER2 = 'server2/renovations';
const ORIGINATOR1 = 'CN=server1/O=renovations';
const INTERVAL_MS = 20_000;

jest.setTimeout(120_000);

/** Reads one statistic of `show stat` as a number. */
async function statistic(domain: StartedTestDomain, server: string, name: string): Promise<number> {
  const lines = textOf((await domain.command(server, `show stat ${name}`)).lines);
  const line = lines.find((candidate) => candidate.startsWith(`${name} = `));
  if (line === undefined) throw new Error(`show stat ${name} on ${server} printed no value: ${lines.join(' | ')}`);
  return Number(line.split(' = ')[1]);
}

/** Returns how many of server1's saves the server's names.nsf contains. */
async function server1SavesOn(domain: StartedTestDomain, server: string): Promise<number> {
  const names = (await domain.health(server)).replicas.find((replica) => replica.path === 'names.nsf');
  return names?.vector[ORIGINATOR1] ?? 0;
}

describe('replication retry when a partner is back', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    // No cluster: server2 gets server1's changes only by its Connection document.
    domain = await new TestDomainBuilder()
      .withServers(2)
      .withClusters([])
      .withConnection({ from: SERVER2, to: SERVER1, type: 'pull-only', interval: `${INTERVAL_MS / 1000}s` })
      .withEnvironment({ DOMSIM_HEARTBEAT_MS: '200' })
      .start();
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it('pulls as soon as the partner is heard from again', async () => {
    await eventually(async () => expect(await server1SavesOn(domain, SERVER2)).toBeGreaterThan(0), { description: 'the first copy of names.nsf on server2' });
    expect((await domain.command(SERVER1, 'sim write 1')).ok).toBe(true);
    const saved = await server1SavesOn(domain, SERVER1);
    const failedBefore = await statistic(domain, SERVER2, 'Replica.Failed');

    await domain.stopServer(SERVER1);
    await eventually(async () => expect(await statistic(domain, SERVER2, 'Replica.Failed')).toBeGreaterThan(failedBefore), {
      timeoutMs: INTERVAL_MS + 15_000,
      description: 'a failed scheduled pull from the stopped server1',
    });
    const failedAt = Date.now();
    expect(await server1SavesOn(domain, SERVER2)).toBeLessThan(saved);

    await domain.startServer(SERVER1);
    await eventually(async () => expect(await server1SavesOn(domain, SERVER2)).toBeGreaterThanOrEqual(saved), {
      timeoutMs: INTERVAL_MS,
      description: 'server1 save on server2',
    });
    const arrivedAt = Date.now();

    // The next scheduled run is INTERVAL_MS after the failure; the retry comes well before it.
    expect(arrivedAt - failedAt).toBeLessThan(INTERVAL_MS - 5_000);
  });
});
