import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { connect, type NatsConnection } from 'nats';

import { CERTIFICATES_VIEW, DirectoryStore, Forms, newReplicaId, type Revision, renderView } from '@domsim/directory';
import { SqliteEventLog } from '@domsim/event-log';
import { startNatsServer, type StartedNatsServer } from '@domsim/launcher';
import { DomainSubjects, type ReplicationDirectory, Replicator } from '@domsim/replication';
import { eventually } from '@domsim/testing';

jest.setTimeout(60_000);

const A = 'CN=alpha/O=model';
const B = 'CN=beta/O=model';
const C = 'CN=gamma/O=model';
const REPLICA_ID = newReplicaId();
const silent = { log: () => undefined, debug: () => undefined, warn: () => undefined, error: () => undefined };

interface Node {
  readonly name: string;
  readonly store: DirectoryStore;
  readonly log: SqliteEventLog<Revision>;
  readonly connection: NatsConnection;
  replicator: Replicator;
  readonly mates: string[];
}

/** Servers in one process, each with its own log, NATS connection and replicator; no NestJS. */
describe('replication model', () => {
  let nats: StartedNatsServer;
  let root: string;
  const nodes = new Map<string, Node>();

  beforeAll(async () => {
    nats = await startNatsServer();
    root = mkdtempSync(join(tmpdir(), 'domsim-model-'));
  });

  afterAll(async () => {
    for (const node of nodes.values()) {
      await node.replicator.stop();
      await node.connection.drain();
      node.log.close();
    }
    await nats.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function startNode(name: string, mates: string[], pageSize = 2_000): Promise<Node> {
    const log = SqliteEventLog.open<Revision>(join(root, `${name.replace(/\W/g, '_')}-${nodes.size}.sqlite`));
    const store = new DirectoryStore({ server: name, log, replicas: [{ replicaId: REPLICA_ID, path: 'names.nsf', title: 'model' }] });
    const connection = await connect({ servers: nats.url });
    const node: Node = { name, store, log, connection, mates, replicator: undefined as unknown as Replicator };
    node.replicator = newReplicator(node, pageSize);
    await node.replicator.start();
    nodes.set(name, node);
    return node;
  }

  function newReplicator(node: Node, pageSize: number): Replicator {
    const directory: ReplicationDirectory = {
      clusterMates: () => node.mates,
      peersFor: () => [A, B, C],
      setupSources: () => [],
      mayReplicate: () => true,
    };
    return new Replicator({ connection: node.connection, store: node.store, subjects: new DomainSubjects('model'), server: node.name, directory, logger: silent, heartbeatMs: 100, pageSize });
  }

  function create(node: Node, count: number, prefix: string): void {
    node.store.save(
      'names.nsf',
      Array.from({ length: count }, (_unused, index) => ({ kind: 'create' as const, form: 'Memo', items: { Subject: `${prefix} ${index}` } })),
    );
  }

  const documentCount = (node: Node) => [...node.store.replica('names.nsf').documents()].length;

  it('pull-only brings the partner changes one way', async () => {
    const alpha = await startNode(A, []);
    const beta = await startNode(B, []);
    create(alpha, 3, 'alpha');
    create(beta, 2, 'beta');

    const result = await beta.replicator.replicate({ partner: A, mode: 'pull-only', databases: [], origin: 'test' });

    expect(result.databases[0].pulled).toEqual({ added: 3, updated: 0, deleted: 0 });
    expect(result.databases[0].pushed).toBeUndefined();
    expect(documentCount(beta)).toBe(5);
    expect(documentCount(alpha)).toBe(3);
  });

  it('push-only sends what the partner lacks', async () => {
    const alpha = nodes.get(A) as Node;
    const beta = nodes.get(B) as Node;

    const result = await beta.replicator.replicate({ partner: A, mode: 'push-only', databases: [], origin: 'test' });

    expect(result.databases[0].pushed).toEqual({ added: 2, updated: 0, deleted: 0 });
    expect(alpha.store.replica('names.nsf').digest()).toBe(beta.store.replica('names.nsf').digest());
  });

  it('pull-pull makes the partner pull as well', async () => {
    const alpha = nodes.get(A) as Node;
    const beta = nodes.get(B) as Node;
    create(alpha, 1, 'alpha again');
    create(beta, 1, 'beta again');

    const result = await alpha.replicator.replicate({ partner: B, mode: 'pull-pull', databases: [], origin: 'test' });

    expect(result.databases[0].pulled).toEqual({ added: 1, updated: 0, deleted: 0 });
    expect(result.databases[0].pushed).toEqual({ added: 1, updated: 0, deleted: 0 });
    expect(alpha.store.replica('names.nsf').digest()).toBe(beta.store.replica('names.nsf').digest());
  });

  it('resolves concurrent edits the same way on both sides', async () => {
    const alpha = nodes.get(A) as Node;
    const beta = nodes.get(B) as Node;
    const [created] = alpha.store.save('names.nsf', [{ kind: 'create', form: 'Memo', items: { Subject: 'shared' } }]);
    await beta.replicator.replicate({ partner: A, mode: 'pull-only', databases: [], origin: 'test' });

    alpha.store.save('names.nsf', [{ kind: 'update', unid: created.unid, items: { Subject: 'alpha once' } }]);
    beta.store.save('names.nsf', [{ kind: 'update', unid: created.unid, items: { Subject: 'beta once' } }]);
    beta.store.save('names.nsf', [{ kind: 'update', unid: created.unid, items: { Subject: 'beta twice' } }]);
    await alpha.replicator.replicate({ partner: B, mode: 'pull-push', databases: [], origin: 'test' });

    for (const node of [alpha, beta]) {
      const replica = node.store.replica('names.nsf');
      expect(replica.note(created.unid)?.items.Subject).toBe('beta twice');
      const conflicts = [...replica.documents()].filter((note) => note.conflictOf === created.unid);
      expect(conflicts.map((note) => note.items.Subject)).toEqual(['alpha once']);
      expect(conflicts[0].items.$Conflict).toBe('');
    }
    expect(alpha.store.replica('names.nsf').digest()).toBe(beta.store.replica('names.nsf').digest());
  });

  it('replicates a deletion as a stub', async () => {
    const alpha = nodes.get(A) as Node;
    const beta = nodes.get(B) as Node;
    const [created] = alpha.store.save('names.nsf', [{ kind: 'create', form: Forms.Certificate, items: { CertificateType: 'x' } }]);
    await beta.replicator.replicate({ partner: A, mode: 'pull-only', databases: [], origin: 'test' });
    expect(renderView(CERTIFICATES_VIEW, beta.store.replica('names.nsf')).some((row) => row.unid === created.unid)).toBe(true);

    alpha.store.save('names.nsf', [{ kind: 'delete', unid: created.unid }]);
    const result = await beta.replicator.replicate({ partner: A, mode: 'pull-only', databases: [], origin: 'test' });

    expect(result.databases[0].pulled).toEqual({ added: 0, updated: 0, deleted: 1 });
    expect(beta.store.replica('names.nsf').note(created.unid)).toBeUndefined();
  });

  it('resumes an interrupted pull without starting over', async () => {
    const source = await startNode(C, [], 100);
    create(source, 1_000, 'bulk');
    const reader = await startNode('CN=delta/O=model', [], 100);
    let pages = 0;
    const stopCounting = reader.store.onApplied(() => {
      pages += 1;
      if (pages === 3) void source.replicator.stop();
    });

    const first = await reader.replicator.replicate({ partner: C, mode: 'pull-only', databases: [], origin: 'test' });
    stopCounting();
    const stored = reader.log.size();
    const failed = reader.replicator.history.get(REPLICA_ID, C, 'pull');
    source.replicator = newReplicator(source, 100);
    await source.replicator.start();
    const second = await reader.replicator.replicate({ partner: C, mode: 'pull-only', databases: [], origin: 'test' });

    // The stop may reach the NATS server after the next request: then the request times out.
    expect(first.databases[0].error).toMatch(/is not reachable|did not answer within/);
    expect(stored).toBe(300);
    expect(failed?.lastSuccessAt).toBeUndefined();
    expect(failed?.lastError).toMatch(/is not reachable|did not answer within/);
    expect(second.databases[0].pulled?.added).toBe(700);
    expect(reader.replicator.history.get(REPLICA_ID, C, 'pull')?.lastSuccessAt).toBeGreaterThan(0);
    expect(reader.store.replica('names.nsf').digest()).toBe(source.store.replica('names.nsf').digest());
  });

  it('shows what the Replicator is doing while a job runs', async () => {
    const source = nodes.get(C) as Node;
    create(source, 500, 'more bulk');
    const reader = await startNode('CN=omega/O=model', [], 50);
    const seen: string[] = [];
    const stop = reader.store.onApplied(() => seen.push(reader.replicator.activity()));

    await reader.replicator.replicate({ partner: C, mode: 'pull-only', databases: ['names.nsf'], origin: 'test' });
    stop();

    expect(seen[0]).toBe('Replicating names.nsf with CN=gamma/O=model (pull-only)');
    expect(reader.replicator.activity()).toBe('Idle');
  });

  it('pushes at once only to cluster mates', async () => {
    const east = await startNode('CN=east/O=model', ['CN=west/O=model']);
    const west = await startNode('CN=west/O=model', ['CN=east/O=model']);
    const outsider = await startNode('CN=outsider/O=model', []);
    const [saved] = east.store.save('names.nsf', [{ kind: 'create', form: 'Memo', items: { Subject: 'clustered' } }]);

    await eventually(() => expect(west.store.replica('names.nsf').note(saved.unid)).toBeDefined());
    const heartbeatsLater = Date.now() + 1_000;
    await eventually(() => expect(Date.now()).toBeGreaterThan(heartbeatsLater));

    expect(outsider.store.replica('names.nsf').note(saved.unid)).toBeUndefined();
    expect(east.replicator.stats().revisionsPushed).toBeGreaterThan(0);
  });
});

describe('deletion stub purge', () => {
  let nats: StartedNatsServer;
  let root: string;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    root = mkdtempSync(join(tmpdir(), 'domsim-purge-'));
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
    await nats.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function node(name: string) {
    const log = SqliteEventLog.open<Revision>(join(root, `${name.replace(/\W/g, '_')}.sqlite`));
    const store = new DirectoryStore({ server: name, log, replicas: [{ replicaId: REPLICA_ID, path: 'names.nsf', title: 'purge' }] });
    const connection = await connect({ servers: nats.url });
    const directory: ReplicationDirectory = { clusterMates: () => [], peersFor: () => [A, B, C], setupSources: () => [], mayReplicate: () => true };
    const replicator = new Replicator({ connection, store, subjects: new DomainSubjects('purge'), server: name, directory, logger: silent });
    await replicator.start();
    cleanups.push(async () => {
      await replicator.stop();
      await connection.drain();
      log.close();
    });
    const pull = (partner: string) => replicator.replicate({ partner, mode: 'pull-only', databases: [], origin: 'test' });
    return { store, log, pull };
  }

  it('brings a deleted note back from a replica away longer than the purge interval', async () => {
    const alpha = await node(A);
    const beta = await node(B);
    const gamma = await node(C);
    const [created] = alpha.store.save('names.nsf', [{ kind: 'create', form: 'Memo', items: { Subject: 'comes back' } }]);
    await beta.pull(A);
    await gamma.pull(A);
    alpha.store.save('names.nsf', [{ kind: 'delete', unid: created.unid }]);
    await beta.pull(A);

    expect(alpha.store.purgeStubs(Date.now() + 60_000)).toBe(1);
    expect(beta.store.purgeStubs(Date.now() + 60_000)).toBe(1);
    await gamma.pull(A);
    await alpha.pull(C);
    await beta.pull(C);

    for (const replica of [alpha, beta, gamma]) expect(replica.store.replica('names.nsf').note(created.unid)?.items.Subject).toBe('comes back');
    expect(alpha.store.replica('names.nsf').digest()).toBe(gamma.store.replica('names.nsf').digest());
    expect(beta.store.replica('names.nsf').digest()).toBe(gamma.store.replica('names.nsf').digest());
  });

  it('keeps a note deleted on a replica back before the purge', async () => {
    const [delta, epsilon] = [await node('CN=delta/O=purge'), await node('CN=epsilon/O=purge')];
    const [created] = delta.store.save('names.nsf', [{ kind: 'create', form: 'Memo', items: { Subject: 'stays deleted' } }]);
    await epsilon.pull('CN=delta/O=purge');
    delta.store.save('names.nsf', [{ kind: 'delete', unid: created.unid }]);

    await epsilon.pull('CN=delta/O=purge');
    delta.store.purgeStubs(Date.now() + 60_000);

    expect(epsilon.store.replica('names.nsf').note(created.unid)).toBeUndefined();
    expect(delta.store.replica('names.nsf').note(created.unid)).toBeUndefined();
  });

  it('keeps a purge across a reload of the log', async () => {
    const zeta = await node('CN=zeta/O=purge');
    const [created] = zeta.store.save('names.nsf', [{ kind: 'create', form: 'Memo', items: { Subject: 'purged' } }]);
    zeta.store.save('names.nsf', [{ kind: 'delete', unid: created.unid }]);
    zeta.store.purgeStubs(Date.now() + 60_000);

    const reloaded = new DirectoryStore({ server: 'CN=zeta/O=purge', log: zeta.log, replicas: [{ replicaId: REPLICA_ID, path: 'names.nsf', title: 'purge' }] });
    reloaded.load();

    expect(reloaded.replica('names.nsf').noteCount()).toBe(0);
    expect(reloaded.revisionsAfter(REPLICA_ID, 'CN=zeta/O=purge', 0, 10).every((revision) => revision.purged === true && revision.items === undefined)).toBe(true);
  });
});
