import { encodeMessage } from '@domsim/replication';
import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

const SERVER1 = 'server1/renovations';
const SERVER2 = 'server2/renovations';

jest.setTimeout(60_000);

interface Fetched {
  readonly status: number;
  readonly type: string;
  readonly text: string;
}

async function get(domain: StartedTestDomain, server: string, path: string): Promise<Fetched> {
  return getUrl(`${await domain.httpUrlOf(server)}${path}`);
}

async function getUrl(url: string): Promise<Fetched> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The value of one sample in Prometheus text, found by metric name and a label subset. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const matches = Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('health endpoints', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().withServers(2).withVault().start();
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it('GET /health/live answers ok', async () => {
    const live = await get(domain, SERVER2, '/health/live');

    expect(live.status).toBe(200);
    expect(JSON.parse(live.text)).toMatchObject({ status: 'ok' });
  });

  it('GET /health/ready checks NATS and the directory', async () => {
    const ready = await get(domain, SERVER2, '/health/ready');

    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({
      status: 'ok',
      info: { nats: { status: 'up', server: domain.natsUrls[0].replace('nats://', '') }, directory: { status: 'up', replicas: ['names.nsf', 'IBM_ID_VAULT\\renovationsvault.nsf'] } },
    });
  });

  it('GET /health/ready answers 503 while NATS is down', async () => {
    const http = await domain.httpUrlOf(SERVER2);
    await domain.stopNatsNode(0);
    try {
      const ready = await eventually(
        async () => {
          const reply = await getUrl(`${http}/health/ready`);
          expect(reply.status).toBe(503);
          return reply;
        },
        { description: 'readiness failing without NATS' },
      );
      const live = await getUrl(`${http}/health/live`);

      expect(JSON.parse(ready.text)).toMatchObject({ status: 'error', error: { nats: { status: 'down' } }, info: { directory: { status: 'up' } } });
      expect(live.status).toBe(200);
    } finally {
      await domain.startNatsNode(0);
    }
    await eventually(async () => expect((await getUrl(`${http}/health/ready`)).status).toBe(200), { timeoutMs: 15_000, description: 'readiness after NATS restarted' });
    await domain.waitForConvergence();
  });
});

describe('GET /metrics', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().withServers(2).withVault().start();
    await domain.measureLag(SERVER1, 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo');
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it('serves the Prometheus text format', async () => {
    const metrics = await get(domain, SERVER2, '/metrics');

    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(metrics.text).toContain('# TYPE domsim_revisions_applied_total counter');
    expect(metrics.text).toContain('# TYPE domsim_replication_lag_seconds gauge');
    expect(sample(metrics.text, 'domsim_server_info', { server: SERVER2, domain: 'renovations' })).toBe(1);
    expect(sample(metrics.text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts revisions applied from server1', async () => {
    const metrics = (await get(domain, SERVER2, '/metrics')).text;
    const health = await domain.health(SERVER2);

    const names = health.replicas.find((replica) => replica.path === 'names.nsf');
    expect(sample(metrics, 'domsim_revisions_applied_total', { replica: 'names.nsf', source: 'remote' })).toBe(names?.vector['CN=server1/O=renovations']);
    expect(sample(metrics, 'domsim_partner_revisions_received_total', { partner: SERVER1, replica: 'names.nsf' })).toBe(names?.vector['CN=server1/O=renovations']);
    expect(sample(metrics, 'domsim_partner_last_received_timestamp_seconds', { partner: SERVER1, replica: 'names.nsf' })).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(sample(metrics, 'domsim_pushes_received_total', { result: 'successful' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'domsim_pulls_total', { result: 'successful' })).toBeGreaterThanOrEqual(1);
  });

  it('reports the lag per partner and replica', async () => {
    const metrics = (await get(domain, SERVER2, '/metrics')).text;

    const lag = sample(metrics, 'domsim_replication_lag_seconds', { partner: SERVER1, replica: 'names.nsf' });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(60);
    expect(sample(metrics, 'domsim_replication_lag_seconds', { partner: SERVER1, replica: 'IBM_ID_VAULT\\\\renovationsvault.nsf' })).toBeGreaterThanOrEqual(0);
    expect(sample(metrics, 'domsim_replication_delay_seconds_count', { replica: 'names.nsf' })).toBeGreaterThanOrEqual(1);
  });

  it('counts pushes on the saving server', async () => {
    const metrics = (await get(domain, SERVER1, '/metrics')).text;

    expect(sample(metrics, 'domsim_revisions_pushed_total')).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'domsim_revisions_applied_total', { replica: 'names.nsf', source: 'local' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'domsim_conflict_documents', { replica: 'names.nsf' })).toBe(0);
  });

  it('counts rejected revisions and messages', async () => {
    const { replicaId } = (await domain.health(SERVER2)).replicas[0];
    const subject = domain.client.subjects.push(replicaId);
    const before = (await get(domain, SERVER2, '/metrics')).text;

    domain.client.connection.publish(subject, new TextEncoder().encode('not json'));
    domain.client.connection.publish(subject, encodeMessage({ v: 1, from: SERVER1, replicaId, revisions: [{ unid: 'not a revision' }] }));
    await domain.client.connection.flush();

    await eventually(async () => {
      const after = (await get(domain, SERVER2, '/metrics')).text;
      expect(sample(after, 'domsim_messages_rejected_total')).toBe((sample(before, 'domsim_messages_rejected_total') ?? 0) + 1);
      expect(sample(after, 'domsim_revisions_rejected_total')).toBe((sample(before, 'domsim_revisions_rejected_total') ?? 0) + 1);
    });
  });
});
