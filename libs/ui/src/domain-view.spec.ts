import type { HealthReply } from '@domsim/client';

import { buildDomainView, type KnownServer, referenceDigests } from './domain-view';
import { PropagationTracker } from './propagation';

const S1 = 'CN=server1/O=renovations';
const S2 = 'CN=server2/O=renovations';
const S3 = 'CN=server3/O=renovations';
const NAMES = '852564AC:044EBCCF';
const VAULT = '11111111:22222222';

function health(server: string, namesDigest: string, options: { vault?: string; schedule?: HealthReply['replication']['schedule']; saves?: number } = {}): HealthReply {
  const replicas: Array<HealthReply['replicas'][number]> = [{ path: 'names.nsf', replicaId: NAMES, digest: namesDigest, vector: { [S1]: options.saves ?? 10, [S2]: 2 } }];
  if (options.vault !== undefined) replicas.push({ path: 'IBM_ID_VAULT\\renovationsvault.nsf', replicaId: VAULT, digest: options.vault, vector: {} });
  return {
    status: 'ok',
    server,
    domain: 'renovations',
    pid: 1,
    uptimeMs: 1,
    http: '127.0.0.1:1',
    consoleKey: '',
    replicas,
    replication: { activity: 'Idle', cluster: 'renovations', pushesQueued: 0, jobsQueued: 0, pullsWaiting: 0, history: [], schedule: options.schedule ?? [] },
  };
}

/** The default domain as domain.json records it. */
const KNOWN_SERVERS: KnownServer[] = [
  { name: S1, administrationServer: true, idVault: true, cluster: 'renovations' },
  { name: S2, administrationServer: false, idVault: true, cluster: 'renovations' },
  { name: S3, administrationServer: false, idVault: false, cluster: 'renovations' },
];
const KNOWN_CONNECTIONS = [{ source: S3, destination: S1, type: 'pull-push', intervalSeconds: 60 }];

function view(replies: Map<string, HealthReply | undefined>, known: { servers?: KnownServer[]; lastReplies?: Map<string, HealthReply> } = {}) {
  return buildDomainView({
    domain: 'renovations',
    now: 1_000,
    servers: known.servers ?? [
      { name: S1, administrationServer: true },
      { name: S2, administrationServer: false },
      { name: S3, administrationServer: false },
    ],
    connections: known.servers === undefined ? undefined : KNOWN_CONNECTIONS,
    health: replies,
    lastReplies: known.lastReplies,
    certificates: new Map(),
    faults: [{ from: S1, to: S3, fault: { partition: true } }],
    tracker: new PropagationTracker(),
    demo: { running: false, lines: [] },
    timelineLength: 20,
    lagWindowMs: 60_000,
  });
}

describe('referenceDigests', () => {
  it('takes the digest of the most revisions', () => {
    const reference = referenceDigests([health(S1, 'a', { saves: 11 }), health(S2, 'b'), health(S3, 'b')]);

    expect(reference).toEqual(new Map([[NAMES, 'a']]));
  });

  it('leaves out a diverged replica', () => {
    const reference = referenceDigests([health(S1, 'a', { vault: 'v' }), health(S2, 'b', { vault: 'v' })]);

    expect(reference).toEqual(new Map([[VAULT, 'v']]));
  });
});

describe('buildDomainView', () => {
  it('marks converged servers and roles', () => {
    const result = view(new Map([[S1, health(S1, 'a', { vault: 'v' })], [S2, health(S2, 'a', { vault: 'v' })], [S3, health(S3, 'a')]]));

    expect(result.servers.map((server) => [server.display, server.roles, server.converged, server.reachable])).toEqual([
      ['server1/renovations', ['Administration server', 'ID vault server'], true, true],
      ['server2/renovations', ['ID vault server'], true, true],
      ['server3/renovations', [], true, true],
    ]);
    expect(result.servers[0].position).toEqual({ revisions: 12, vector: { [S1]: 10, [S2]: 2 } });
  });

  it('marks a lagging and a silent server', () => {
    const result = view(new Map<string, HealthReply | undefined>([[S1, health(S1, 'a', { saves: 11 })], [S2, health(S2, 'b')], [S3, undefined]]));

    expect(result.servers.map((server) => [server.converged, server.reachable])).toEqual([
      [true, true],
      [false, true],
      [false, false],
    ]);
  });

  it('marks diverged servers as not converged', () => {
    const result = view(new Map([[S1, health(S1, 'a')], [S2, health(S2, 'b')], [S3, health(S3, 'a', { saves: 9 })]]));

    expect(result.servers.map((server) => server.converged)).toEqual([false, false, false]);
  });

  it('draws clusters, connections and faults', () => {
    const schedule = [{ destination: S1, type: 'pull-push', intervalSeconds: 60 }];
    const result = view(new Map([[S1, health(S1, 'a')], [S2, health(S2, 'a')], [S3, health(S3, 'a', { schedule })]]));

    expect(result.graph.edges.map((edge) => `${edge.kind} ${edge.from} ${edge.to}`)).toEqual([
      `cluster ${S1} ${S2}`,
      `cluster ${S1} ${S3}`,
      `cluster ${S2} ${S3}`,
      `connection ${S3} ${S1}`,
      `fault ${S1} ${S3}`,
    ]);
    expect(result.faults).toEqual([{ from: S1, to: S3, fault: 'partition' }]);
  });

  it('keeps domain.json facts for silent servers', () => {
    const silent = new Map<string, HealthReply | undefined>([[S1, undefined], [S2, undefined], [S3, undefined]]);

    const result = view(silent, { servers: KNOWN_SERVERS });

    expect(result.servers.map((server) => [server.roles, server.cluster, server.reachable])).toEqual([
      [['Administration server', 'ID vault server'], 'renovations', false],
      [['ID vault server'], 'renovations', false],
      [[], 'renovations', false],
    ]);
    expect(result.graph.edges.map((edge) => `${edge.kind} ${edge.from} ${edge.to}`)).toEqual([
      `cluster ${S1} ${S2}`,
      `cluster ${S1} ${S3}`,
      `cluster ${S2} ${S3}`,
      `connection ${S3} ${S1}`,
      `fault ${S1} ${S3}`,
    ]);
  });

  it('prefers health replies to domain.json', () => {
    const replies = new Map<string, HealthReply | undefined>([[S1, health(S1, 'a', { vault: 'v' })], [S2, health(S2, 'a')], [S3, health(S3, 'a')]]);

    const result = view(replies, { servers: KNOWN_SERVERS });

    expect(result.servers[1].roles).toEqual([]);
    expect(result.graph.edges.filter((edge) => edge.kind === 'connection')).toEqual([]);
  });

  it('keeps the last reply of a server that stopped', () => {
    const schedule = [{ destination: S1, type: 'pull-only', intervalSeconds: 120 }];
    const lastReplies = new Map([[S3, health(S3, 'a', { schedule })]]);
    const replies = new Map<string, HealthReply | undefined>([[S1, health(S1, 'a', { vault: 'v' })], [S2, health(S2, 'a', { vault: 'v' })], [S3, undefined]]);

    const result = view(replies, { lastReplies });

    expect(result.servers[2]).toMatchObject({ cluster: 'renovations', reachable: false, converged: false });
    expect(result.graph.edges.filter((edge) => edge.kind === 'connection').map((edge) => `${edge.from} ${edge.to} ${edge.label}`)).toEqual([`${S3} ${S1} pull-only every 120 s`]);
  });
});
