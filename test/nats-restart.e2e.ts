import { waitForConvergence } from '@domsim/client';
import { isAlive } from '@domsim/launcher';
import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import { textOf } from './support/console-text';

const SERVER1 = 'CN=server1/O=renovations';
const SERVER3 = 'CN=server3/O=renovations';

jest.setTimeout(90_000);

async function httpCommand(address: string, command: string): Promise<{ ok: boolean; lines: string[] }> {
  const response = await fetch(`http://${address}/api/console`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('renovations admin/renovations:admin-demo').toString('base64')}` },
    body: JSON.stringify({ command }),
  });
  return (await response.json()) as { ok: boolean; lines: string[] };
}

describe('NATS restart', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().withEnvironment({ DOMSIM_HEARTBEAT_MS: '200' }).start();
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it('loses nothing written while NATS was down and applies nothing twice', async () => {
    const addresses = await Promise.all([SERVER1, SERVER3].map(async (server) => (await domain.health(server)).http as string));

    const written = await domain.restartNats(async () => {
      // NATS is down: the HTTP console still reaches the servers, whose saves are durable.
      const replies = await Promise.all(addresses.map((address, index) => httpCommand(address, `sim workload 25 ${index + 1}`)));
      return replies.every((reply) => reply.ok);
    });
    expect(written).toBe(true);

    const report = await waitForConvergence(domain.client, domain.serverNames, 30_000);
    expect(report.converged).toBe(true);
    for (const server of domain.serverNames) {
      const health = await domain.health(server);
      const held = health.replicas.reduce((total, replica) => total + Object.values(replica.vector).reduce((sum, counter) => sum + counter, 0), 0);
      const check = textOf((await domain.command(server, 'sim check log')).lines)[0];
      expect(check).toContain(`is sound: ${held} records`);
    }
  });

  it('delivers new saves by push after reconnecting', async () => {
    const pushed = async () => Number(textOf((await domain.command(SERVER3, 'show stat Replica.Cluster.Docs.Added')).lines)[0].split(' = ')[1]);
    const before = await pushed();

    const reply = await domain.command(SERVER1, 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo');
    expect(reply.ok).toBe(true);

    await eventually(async () => expect(await pushed()).toBe(before + 1));
    const view = await domain.view(SERVER3, 'names.nsf', 'Certificates');
    expect(view.rows.some((row) => row.values.Type === 'Multi-Factor Authentication Certificate')).toBe(true);
  });

  it('kills and stops other servers from a console', async () => {
    const killPid = (await domain.health(SERVER3)).pid;

    const killed = await domain.command(SERVER1, 'sim server kill server3/renovations');
    await eventually(() => expect(isAlive(killPid)).toBe(false));
    await domain.startServer(SERVER3);
    const stopPid = (await domain.health(SERVER3)).pid;
    const stopped = await domain.command(SERVER1, 'sim server stop server3/renovations');
    await eventually(() => expect(isAlive(stopPid)).toBe(false));
    await domain.startServer(SERVER3);
    const unknown = await domain.command(SERVER1, 'sim server kill server9/renovations');

    expect(textOf(killed.lines)).toEqual(['Server server3/renovations is crashing (SIGKILL)']);
    expect(textOf(stopped.lines)).toEqual(['Server server3/renovations is shutting down']);
    expect(unknown.code).toBe('UNKNOWN_SERVER');
    expect((await domain.health(SERVER3)).status).toBe('ok');
  });
});
