import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  DirectoryStore,
  NoteStateError,
  RejectedRevisionError,
  type ReplicaInfo,
  type ReplicaState,
  type Revision,
  type RevisionCheck,
  type RevisionSource,
  UnknownReplicaError,
} from '@domsim/directory';
import { SqliteEventLog } from '@domsim/event-log';

const NAMES: ReplicaInfo = { replicaId: '852564AC:044EBCCF', path: 'names.nsf', title: "renovations's Directory" };
const VAULT: ReplicaInfo = { replicaId: '0A1B2C3D:4E5F6071', path: 'IBM_ID_VAULT\\renovationsvault.nsf', title: 'renovationsvault' };
const SERVER1 = 'CN=server1/O=renovations';
const SERVER2 = 'CN=server2/O=renovations';
const UNID = '0123456789ABCDEF0123456789ABCDEF';

describe('DirectoryStore', () => {
  let directory: string;
  const logs: Array<SqliteEventLog<Revision>> = [];

  function openLog(name: string): SqliteEventLog<Revision> {
    const log = SqliteEventLog.open<Revision>(join(directory, `${name}.sqlite`));
    logs.push(log);
    return log;
  }

  function openStore(server: string, options: { check?: RevisionCheck; log?: SqliteEventLog<Revision>; clock?: () => number } = {}): DirectoryStore {
    let time = 1_000_000;
    return new DirectoryStore({
      server,
      log: options.log ?? openLog(server.replace(/\W/g, '-')),
      replicas: [NAMES, VAULT],
      check: options.check,
      now: options.clock ?? (() => (time += 1000)),
    });
  }

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'domsim-directory-store-'));
  });

  afterEach(() => {
    for (const log of logs.splice(0)) log.close();
    rmSync(directory, { recursive: true, force: true });
  });

  describe('save', () => {
    it('creates a note', () => {
      const store = openStore(SERVER1);

      const [revision] = store.save('names.nsf', [{ kind: 'create', unid: UNID, form: 'Person', items: { FullName: 'web user' } }]);

      expect(revision).toMatchObject({ replicaId: NAMES.replicaId, unid: UNID, originator: SERVER1, counter: 1, seq: 1, parent: null, deleted: false });
      expect(store.replica('names.nsf').note(UNID)?.items).toEqual({ FullName: 'web user' });
      expect(store.versionVector(NAMES.replicaId)).toEqual({ [SERVER1]: 1 });
    });

    it('edits the current winner', () => {
      const store = openStore(SERVER1);
      const [created] = store.save('names.nsf', [{ kind: 'create', unid: UNID, form: 'Person', items: { FullName: 'web user' } }]);

      const [edited] = store.save('names.nsf', [{ kind: 'update', unid: UNID, items: { FullName: 'web user', InternetAddress: 'web@renovations.com' } }]);

      expect(edited).toMatchObject({ counter: 2, seq: 2, parent: { originator: SERVER1, counter: 1 }, form: 'Person' });
      expect(edited.seqTime).toBeGreaterThan(created.seqTime);
      expect(store.replica(NAMES.replicaId).note(UNID)?.items).toEqual({ FullName: 'web user', InternetAddress: 'web@renovations.com' });
    });

    it('chains changes to one note in one save', () => {
      const store = openStore(SERVER1, { clock: () => 5000 });

      const revisions = store.save('names.nsf', [
        { kind: 'create', unid: UNID, form: 'Person', items: { FullName: 'a' } },
        { kind: 'update', unid: UNID, items: { FullName: 'b' } },
        { kind: 'delete', unid: UNID },
      ]);

      expect(revisions.map((revision) => [revision.counter, revision.seq, revision.seqTime, revision.deleted])).toEqual([
        [1, 1, 5000, false],
        [2, 2, 5001, false],
        [3, 3, 5002, true],
      ]);
      expect(store.replica('names.nsf').note(UNID)).toBeUndefined();
    });

    it('generates a UNID for a new note', () => {
      const store = openStore(SERVER1);

      const [revision] = store.save('names.nsf', [{ kind: 'create', form: 'Person', items: {} }]);

      expect(revision.unid).toMatch(/^[0-9A-F]{32}$/);
    });

    it('finds a replica by path without regard to case or slash', () => {
      const store = openStore(SERVER1);

      const [revision] = store.save('ibm_id_vault/RenovationsVault.nsf', [{ kind: 'create', form: 'VaultControl', items: {} }]);

      expect(revision.replicaId).toBe(VAULT.replicaId);
      expect(store.findReplica('0a1b2c3d:4e5f6071')?.info).toEqual(VAULT);
    });

    it.each([
      ['an update of an unknown note', [{ kind: 'update' as const, unid: UNID, items: {} }], 'no such document'],
      ['a delete of an unknown note', [{ kind: 'delete' as const, unid: UNID }], 'no such document'],
      [
        'a second create',
        [
          { kind: 'create' as const, unid: UNID, form: 'Person', items: {} },
          { kind: 'create' as const, unid: UNID, form: 'Person', items: {} },
        ],
        'a document with this UNID already exists',
      ],
      [
        'an update after a delete',
        [
          { kind: 'create' as const, unid: UNID, form: 'Person', items: {} },
          { kind: 'delete' as const, unid: UNID },
          { kind: 'update' as const, unid: UNID, items: {} },
        ],
        'the document is deleted',
      ],
    ])('rejects %s and stores nothing', (_label, changes, reason) => {
      const log = openLog('server1');
      const store = openStore(SERVER1, { log });
      let caught: unknown;

      try {
        store.save('names.nsf', changes);
      } catch (error) {
        caught = error;
      }

      expect(caught).toBeInstanceOf(NoteStateError);
      expect((caught as NoteStateError).reason).toBe(reason);
      expect(log.size()).toBe(0);
      expect(store.replica('names.nsf').noteCount()).toBe(0);
    });

    it('rejects an unknown replica', () => {
      const store = openStore(SERVER1);

      expect(() => store.save('mail/admin.nsf', [{ kind: 'create', form: 'Memo', items: {} }])).toThrow(UnknownReplicaError);
      expect(() => store.replica('mail/admin.nsf')).toThrow(`server ${SERVER1} hosts no replica mail/admin.nsf`);
    });

    it('stores nothing when the check rejects', () => {
      const log = openLog('server1');
      const check: RevisionCheck = (revision) => (revision.form === 'Certificate' ? 'the signature does not verify' : undefined);
      const store = openStore(SERVER1, { log, check });
      let caught: unknown;

      try {
        store.save('names.nsf', [
          { kind: 'create', form: 'Person', items: {} },
          { kind: 'create', unid: UNID, form: 'Certificate', items: {} },
        ]);
      } catch (error) {
        caught = error;
      }

      expect(caught).toBeInstanceOf(RejectedRevisionError);
      expect((caught as RejectedRevisionError).message).toBe(`revision of note ${UNID} rejected: the signature does not verify`);
      expect(log.size()).toBe(0);
      expect(store.replica('names.nsf').noteCount()).toBe(0);
    });
  });

  describe('receive', () => {
    function savedOnServer2(count: number): Revision[] {
      const server2 = openStore(SERVER2);
      return server2.save(
        'names.nsf',
        Array.from({ length: count }, (_, index) => ({ kind: 'create' as const, form: 'Person', items: { FullName: `user ${index + 1}` } })),
      );
    }

    it('applies revisions from another server', () => {
      const revisions = savedOnServer2(3);
      const store = openStore(SERVER1);

      const result = store.receive(revisions);

      expect(result.applied).toHaveLength(3);
      expect(result).toMatchObject({ duplicates: 0, rejected: [], gaps: [] });
      expect(store.versionVector(NAMES.replicaId)).toEqual({ [SERVER2]: 3 });
      expect(store.revisionsAfter(NAMES.replicaId, SERVER2, 1, 10).map((revision) => revision.counter)).toEqual([2, 3]);
      expect(store.replica('names.nsf').noteCount()).toBe(3);
    });

    it('skips revisions already held', () => {
      const revisions = savedOnServer2(3);
      const store = openStore(SERVER1);
      store.receive(revisions.slice(0, 2));

      const result = store.receive([...revisions, revisions[2]]);

      expect(result.applied.map((revision) => revision.counter)).toEqual([3]);
      expect(result.duplicates).toBe(3);
    });

    it('reports a gap and skips past it', () => {
      const revisions = savedOnServer2(4);
      const store = openStore(SERVER1);

      const result = store.receive([revisions[0], revisions[2], revisions[3]]);

      expect(result.applied.map((revision) => revision.counter)).toEqual([1]);
      expect(result.gaps).toEqual([
        { replicaId: NAMES.replicaId, originator: SERVER2, expected: 2, received: 3 },
        { replicaId: NAMES.replicaId, originator: SERVER2, expected: 2, received: 4 },
      ]);
      expect(store.versionVector(NAMES.replicaId)).toEqual({ [SERVER2]: 1 });
    });

    it('stores nothing that the check rejects', () => {
      const revisions = savedOnServer2(2);
      const log = openLog('server1');
      const store = openStore(SERVER1, { log, check: (revision) => (revision.counter === 1 ? 'not signed' : undefined) });

      const result = store.receive(revisions);

      expect(result.applied).toEqual([]);
      expect(result.rejected).toEqual([{ revision: revisions[0], reason: 'not signed' }]);
      expect(result.gaps).toEqual([{ replicaId: NAMES.replicaId, originator: SERVER2, expected: 1, received: 2 }]);
      expect(log.size()).toBe(0);
      expect(store.replica('names.nsf').noteCount()).toBe(0);
    });

    it('rejects a revision for a replica not hosted', () => {
      const [revision] = savedOnServer2(1);
      const store = openStore(SERVER1);

      const result = store.receive([{ ...revision, replicaId: 'FFFFFFFF:FFFFFFFF' }]);

      expect(result.rejected.map((entry) => entry.reason)).toEqual(['this server hosts no replica FFFFFFFF:FFFFFFFF']);
      expect(result.applied).toEqual([]);
    });
  });

  describe('listeners', () => {
    it('receive local and remote revisions', () => {
      const store = openStore(SERVER1);
      const notifications: Array<[string, number, RevisionSource]> = [];
      const stop = store.onApplied((replica: ReplicaState, revisions, source) => notifications.push([replica.info.path, revisions.length, source]));
      const remote = openStore(SERVER2).save('names.nsf', [{ kind: 'create', form: 'Person', items: {} }]);

      store.save('names.nsf', [{ kind: 'create', form: 'Person', items: {} }]);
      store.receive(remote);
      store.receive(remote);
      stop();
      store.save('names.nsf', [{ kind: 'create', form: 'Person', items: {} }]);

      expect(notifications).toEqual([
        ['names.nsf', 1, 'local'],
        ['names.nsf', 1, 'remote'],
      ]);
    });
  });

  describe('load', () => {
    it('rebuilds the same state after reopening the log', () => {
      const file = join(directory, 'server1.sqlite');
      const log = SqliteEventLog.open<Revision>(file);
      const store = openStore(SERVER1, { log });
      const [created] = store.save('names.nsf', [
        { kind: 'create', unid: UNID, form: 'Person', items: { FullName: 'a' } },
        { kind: 'create', form: 'Server', items: { ServerName: SERVER1 } },
      ]);
      store.save('names.nsf', [{ kind: 'update', unid: created.unid, items: { FullName: 'b' } }]);
      store.receive(openStore(SERVER2).save('names.nsf', [{ kind: 'create', form: 'Person', items: {} }]));
      store.save(VAULT.path, [{ kind: 'create', form: 'VaultControl', items: {} }]);
      const digests = store.replicas().map((replica) => replica.digest());
      log.close();

      const reopened = openLog('server1');
      const restored = openStore(SERVER1, { log: reopened });
      const count = restored.load();

      expect(count).toBe(5);
      expect(restored.replicas().map((replica) => replica.digest())).toEqual(digests);
      expect(restored.replica('names.nsf').note(UNID)?.items).toEqual({ FullName: 'b' });
      expect(restored.versionVector(NAMES.replicaId)).toEqual({ [SERVER1]: 3, [SERVER2]: 1 });
    });

    it('continues counters after reopening', () => {
      const file = join(directory, 'server1.sqlite');
      const log = SqliteEventLog.open<Revision>(file);
      openStore(SERVER1, { log }).save('names.nsf', [{ kind: 'create', unid: UNID, form: 'Person', items: {} }]);
      log.close();
      const restored = openStore(SERVER1, { log: openLog('server1') });
      restored.load();

      const [revision] = restored.save('names.nsf', [{ kind: 'update', unid: UNID, items: { FullName: 'b' } }]);

      expect(revision).toMatchObject({ counter: 2, seq: 2, parent: { originator: SERVER1, counter: 1 } });
    });
  });
});
