import { existsSync } from 'node:fs';

import { ServerUnreachableError } from '@domsim/client';
import { canConnect, isAlive } from '@domsim/launcher';
import {
  ConvergenceTimeoutError,
  eventually,
  HARNESS_LABEL,
  InvalidTestDomainError,
  natsNodesFromEnvironment,
  SESSION_LABEL,
  type StartedTestDomain,
  TestDomainBuilder,
  testSession,
} from '@domsim/testing';

const SERVER1 = 'server1/renovations';
const SERVER2 = 'server2/renovations';
const SERVER3 = 'server3/renovations';
const SERVER4 = 'server4/renovations';
const TRUST_COMMAND = 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo';

jest.setTimeout(120_000);

interface Connz {
  readonly connections: ReadonlyArray<{ readonly name?: string; readonly num_subscriptions: number }>;
}

async function connections(domain: StartedTestDomain, node = 0): Promise<Connz['connections']> {
  const response = await fetch(`${domain.natsMonitorUrl(node)}/connz?subs=1`);
  return ((await response.json()) as Connz).connections;
}

async function subscriptionsOf(domain: StartedTestDomain, name: string): Promise<number> {
  const connection = (await connections(domain)).find((entry) => entry.name === name);
  if (connection === undefined) throw new Error(`no NATS connection named ${name}`);
  return connection.num_subscriptions;
}

/** Containers of this test run still known to Docker; 0 where NATS runs from the binary. */
async function harnessContainers(): Promise<number> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const list = await client.container.dockerode.listContainers({ all: true, filters: { label: [`${HARNESS_LABEL}=harness`, `${SESSION_LABEL}=${testSession()}`] } });
  return list.length;
}

describe('TestDomainBuilder with generated servers', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().withServers(4).withVault({ servers: [1, 3] }).start();
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it('uses the requested NATS source', () => {
    const requested = process.env.DOMSIM_TEST_NATS;

    if (requested === 'container' || requested === 'binary') expect(domain.natsSource).toBe(requested);
    expect(['container', 'binary']).toContain(domain.natsSource);
  });

  it('places the vault on servers 1 and 3', async () => {
    const replies = await domain.waitForConvergence();

    const paths = Object.fromEntries(replies.map((reply) => [reply.server, reply.replicas.map((replica) => replica.path)]));
    expect(paths).toEqual({
      'CN=server1/O=renovations': ['names.nsf', 'IBM_ID_VAULT\\renovationsvault.nsf'],
      'CN=server2/O=renovations': ['names.nsf'],
      'CN=server3/O=renovations': ['names.nsf', 'IBM_ID_VAULT\\renovationsvault.nsf'],
      'CN=server4/O=renovations': ['names.nsf'],
    });
  });

  it('measures the lag to every other server', async () => {
    const measurement = await domain.measureLag(SERVER1, TRUST_COMMAND);

    expect(measurement.result.ok).toBe(true);
    expect(measurement.origin).toBe('CN=server1/O=renovations');
    expect(measurement.lags.map((lag) => `${lag.server} ${lag.path}`).sort()).toEqual([
      'CN=server2/O=renovations names.nsf',
      'CN=server3/O=renovations names.nsf',
      'CN=server4/O=renovations names.nsf',
    ]);
    for (const lag of measurement.lags) {
      expect(lag.lagMs).toBeGreaterThanOrEqual(0);
      expect(lag.lagMs).toBeLessThan(15_000);
    }
    expect(measurement.maxLagMs).toBe(Math.max(...measurement.lags.map((lag) => lag.lagMs)));
  });

  it('measureLag leaves no subscription behind', async () => {
    const before = await subscriptionsOf(domain, 'domsim launcher');

    await domain.measureLag(SERVER1, 'mfamgmt create trustcert "*/OU=lag/O=mfatest1" cert.id mfatest1-demo');

    await eventually(async () => expect(await subscriptionsOf(domain, 'domsim launcher')).toBe(before));
  });

  it('measureLag rejects a failing command', async () => {
    await expect(domain.measureLag(SERVER1, 'mfamgmt create trustcert "*/O=mfatest1" cert.id wrong')).rejects.toThrow(
      /failed on server1\/renovations \(WRONG_PASSWORD\)/,
    );
  });

  it('convergence times out on a frozen server', async () => {
    const pid = domain.pidOf(SERVER4);
    process.kill(pid, 'SIGSTOP');
    try {
      const failure = await domain.waitForConvergence(300).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(ConvergenceTimeoutError);
      expect((failure as Error).message).toContain('replicas did not converge within 300 ms');
      expect((failure as Error).message).toContain('server4/renovations did not respond');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('pauses and resumes a server', async () => {
    domain.pauseServer(SERVER2);
    const paused = await domain.client.health(SERVER2, 300).catch((error: unknown) => error);
    const converged = await domain.waitForConvergence();
    domain.resumeServer(SERVER2);

    expect(paused).toBeInstanceOf(ServerUnreachableError);
    expect(converged.map((reply) => reply.server)).not.toContain('CN=server2/O=renovations');
    expect((await domain.waitForConvergence()).map((reply) => reply.server)).toContain('CN=server2/O=renovations');
  });

  it('catches up a crashed server after restart', async () => {
    await domain.crashServer(SERVER4);
    await domain.command(SERVER1, 'mfamgmt create trustcert "*/OU=crash/O=mfatest1" cert.id mfatest1-demo');

    await domain.startServer(SERVER4);

    const replies = await domain.waitForConvergence();
    expect(replies).toHaveLength(4);
  });

  it('names the servers of the domain for an unknown one', () => {
    expect(() => domain.pidOf('server9/renovations')).toThrow(
      'server server9/renovations is not part of this test domain; its servers are server1/renovations, server2/renovations, server3/renovations, server4/renovations',
    );
  });
});

describe('StartedTestDomain.stop', () => {
  it('leaves no process, container or directory', async () => {
    const domain = await new TestDomainBuilder().withServers(2).start();
    const pids = domain.serverNames.map((server) => domain.pidOf(server));
    const monitor = new URL(domain.natsMonitorUrl());
    const nats = new URL(domain.natsUrl);

    await domain.stop();

    expect(pids.filter(isAlive)).toEqual([]);
    expect(await canConnect(nats.hostname, Number(nats.port))).toBe(false);
    expect(await canConnect(monitor.hostname, Number(monitor.port))).toBe(false);
    expect(existsSync(domain.root)).toBe(false);
    expect(domain.client.connection.isClosed()).toBe(true);
    if (domain.natsSource === 'container') expect(await harnessContainers()).toBe(0);
  });
});

describe('TestDomainBuilder settings', () => {
  it.each([
    ['zero servers', () => new TestDomainBuilder().withServers(0), 'invalid server count 0 for withServers: give a whole number from 1 to 50'],
    ['a vault server outside the domain', () => new TestDomainBuilder().withServers(2).withVault({ servers: [1, 3] }), 'invalid vault server 3 for withVault: the domain has servers 1 to 2'],
    ['a vault without server 1', () => new TestDomainBuilder().withVault({ servers: [2] }), 'withVault servers 2 leave out server 1, which holds the certifier ID files; include 1'],
    ['servers with a topology file', () => new TestDomainBuilder().withServers(2).withTopologyFile('x.yaml'), 'withServers, withVault and withClusters generate a topology; drop them or drop withTopologyFile/withTopologyText'],
  ])('rejects %s before starting anything', async (_case, build, message) => {
    const failure = await build()
      .start()
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(InvalidTestDomainError);
    expect((failure as Error).message).toBe(message);
  });

  it.each(['0', '10', 'three'])('rejects DOMSIM_TEST_NATS_NODES=%s', (value) => {
    expect(() => natsNodesFromEnvironment({ DOMSIM_TEST_NATS_NODES: value })).toThrow(`invalid DOMSIM_TEST_NATS_NODES "${value}": set it to a node count from 1 to 9, or unset it for one node`);
  });

  it('rejects an unknown DOMSIM_TEST_NATS', async () => {
    const saved = process.env.DOMSIM_TEST_NATS;
    process.env.DOMSIM_TEST_NATS = 'docker';
    try {
      await expect(new TestDomainBuilder().withServers(1).start()).rejects.toThrow('invalid DOMSIM_TEST_NATS "docker": set it to auto, container, binary, or unset it for auto');
    } finally {
      if (saved === undefined) delete process.env.DOMSIM_TEST_NATS;
      else process.env.DOMSIM_TEST_NATS = saved;
    }
  });
});

describe('TestDomainBuilder with a NATS cluster', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().withNatsCluster(3).start();
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it('attaches the servers to different nodes', async () => {
    const names = await Promise.all([0, 1, 2].map(async (node) => (await connections(domain, node)).map((connection) => connection.name)));

    expect(names[0]).toContain('domsim CN=server1/O=renovations');
    expect(names[1]).toContain('domsim CN=server2/O=renovations');
    expect(names[2]).toContain('domsim CN=server3/O=renovations');
  });

  it('runs the trust flow across nodes', async () => {
    const measurement = await domain.measureLag(SERVER1, TRUST_COMMAND);

    expect(measurement.lags.map((lag) => lag.server).sort()).toEqual(['CN=server2/O=renovations', 'CN=server3/O=renovations']);
    await domain.waitForConvergence();
    const view = await domain.view(SERVER3, 'names.nsf', 'Certificates');
    expect(view.rows.filter((row) => row.values.Type === 'Multi-Factor Authentication Certificate')).toHaveLength(1);
  });

  it('keeps replicating with the first node stopped', async () => {
    await domain.stopNatsNode(0);

    await eventually(() => domain.client.health(SERVER1, 500), { timeoutMs: 30_000, description: 'server1 answering after its NATS node stopped' });
    const measurement = await domain.measureLag(SERVER1, 'mfamgmt create trustcert "*/OU=failover/O=mfatest1" cert.id mfatest1-demo');

    expect(measurement.lags).toHaveLength(2);
    const text = (await domain.command(SERVER2, 'show idvault')).lines.join('\n');
    expect(text).toContain('/mfatest1 trusts /mfatest1 for MFA');
    await domain.waitForConvergence();
  });

  it('rejoins the stopped node', async () => {
    await domain.startNatsNode(0);

    const routes = (await (await fetch(`${domain.natsMonitorUrl(0)}/routez`)).json()) as { num_routes: number };
    expect(routes.num_routes).toBe(2);
  });
});

describe('TestDomainBuilder on the default domain', () => {
  it('still starts the renovations topology', async () => {
    const domain = await new TestDomainBuilder().start();
    try {
      const replies = await domain.waitForConvergence();

      expect(replies.map((reply) => reply.server)).toEqual(['CN=server1/O=renovations', 'CN=server2/O=renovations', 'CN=server3/O=renovations']);
      await expect(domain.health(SERVER4)).rejects.toThrow(ServerUnreachableError);
    } finally {
      await domain.stop();
    }
  });
});

describe('connections and link faults', () => {
  it('replicates by a Connection document only, without a cluster', async () => {
    const domain = await new TestDomainBuilder().withServers(2).withClusters([]).withConnection({ from: SERVER2, to: SERVER1, type: 'pull-push', interval: '1s' }).start();
    try {
      const schedule = await domain.command(SERVER2, 'show schedule');
      expect(schedule.lines.join('\n')).toContain('server1/renovations  pull-push every 1s');

      await domain.command(SERVER1, 'sim workload 3 11');

      await domain.waitForConvergence(10_000);
    } finally {
      await domain.stop();
    }
  });

  it('delays the link by withLinkLatency', async () => {
    const domain = await new TestDomainBuilder().withServers(2).withLinkLatency({ between: [SERVER1, SERVER2], latencyMs: 300 }).start();
    try {
      const lag = await domain.measureLag(SERVER1, 'sim workload 1 12');

      expect(lag.lags.map((entry) => entry.path)).toEqual(['names.nsf']);
      expect(lag.lags[0].lagMs).toBeGreaterThanOrEqual(250);
    } finally {
      await domain.stop();
    }
  });
});
