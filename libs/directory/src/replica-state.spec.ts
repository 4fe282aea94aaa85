import { CONFLICT_ITEM, deriveUnid, findItem, type Note, type ReplicaInfo, ReplicaState, type Revision, type RevisionRef, UNID_PATTERN } from '@domsim/directory';

const INFO: ReplicaInfo = { replicaId: '852564AC:044EBCCF', path: 'names.nsf', title: "renovations's Directory" };
const UNID = '0123456789ABCDEF0123456789ABCDEF';
const OTHER_UNID = 'FEDCBA9876543210FEDCBA9876543210';

interface Save {
  readonly originator: string;
  readonly counter: number;
  readonly seqTime: number;
  readonly parent?: Revision;
  readonly unid?: string;
  readonly form?: string;
  readonly items?: Record<string, string>;
}

function save(fields: Save): Revision {
  const parent: RevisionRef | null = fields.parent === undefined ? null : { originator: fields.parent.originator, counter: fields.parent.counter };
  return {
    replicaId: INFO.replicaId,
    unid: fields.unid ?? UNID,
    originator: fields.originator,
    counter: fields.counter,
    seq: (fields.parent?.seq ?? 0) + 1,
    seqTime: fields.seqTime,
    parent,
    deleted: false,
    form: fields.form ?? 'Person',
    items: fields.items ?? { FullName: `saved on ${fields.originator}` },
  };
}

function remove(originator: string, counter: number, seqTime: number, parent: Revision): Revision {
  return {
    replicaId: INFO.replicaId,
    unid: parent.unid,
    originator,
    counter,
    seq: parent.seq + 1,
    seqTime,
    parent: { originator: parent.originator, counter: parent.counter },
    deleted: true,
  };
}

function stateOf(revisions: readonly Revision[]): ReplicaState {
  const state = new ReplicaState(INFO);
  for (const revision of revisions) state.add(revision);
  return state;
}

const byUnid = (a: Note, b: Note): number => a.unid.localeCompare(b.unid);

describe('ReplicaState', () => {
  const created = save({ originator: 'server1', counter: 1, seqTime: 1000 });
  const editOnServer1 = save({ originator: 'server1', counter: 2, seqTime: 2000, parent: created, items: { FullName: 'edited on server1' } });
  const editOnServer2 = save({ originator: 'server2', counter: 1, seqTime: 3000, parent: created, items: { FullName: 'edited on server2' } });

  it('shows a created note', () => {
    const state = stateOf([created]);

    expect(state.note(UNID)).toEqual({ unid: UNID, form: 'Person', items: created.items, seq: 1, seqTime: 1000, revision: { originator: 'server1', counter: 1 } });
  });

  it('shows the latest edit', () => {
    const state = stateOf([created, editOnServer1]);

    expect(state.note(UNID)?.items).toEqual({ FullName: 'edited on server1' });
    expect([...state.documents()]).toHaveLength(1);
  });

  it('returns undefined for an unknown UNID', () => {
    const state = stateOf([created]);

    expect(state.note(OTHER_UNID)).toBeUndefined();
    expect(state.winner(OTHER_UNID)).toBeUndefined();
  });

  it('hides a deleted note', () => {
    const state = stateOf([created, remove('server2', 1, 2000, created)]);

    expect(state.note(UNID)).toBeUndefined();
    expect(state.winner(UNID)?.deleted).toBe(true);
    expect([...state.documents()]).toEqual([]);
    expect(state.noteCount()).toBe(1);
  });

  it('shows the losing edit as a conflict', () => {
    const state = stateOf([created, editOnServer1, editOnServer2]);

    const documents = [...state.documents()];

    expect(documents).toHaveLength(2);
    const [winner, conflict] = documents;
    expect(winner.unid).toBe(UNID);
    expect(winner.items).toEqual({ FullName: 'edited on server2' });
    expect(winner.conflictOf).toBeUndefined();
    expect(conflict.conflictOf).toBe(UNID);
    expect(conflict.unid).toMatch(UNID_PATTERN);
    expect(conflict.unid).not.toBe(UNID);
    expect(conflict.items).toMatchObject({ FullName: 'edited on server1' });
    expect(conflict.revision).toEqual({ originator: 'server1', counter: 2 });
  });

  it('gives a conflict a stable UNID', () => {
    const first = stateOf([created, editOnServer1, editOnServer2]);
    const second = stateOf([editOnServer2, editOnServer1, created]);

    const firstConflict = [...first.documents()].find((note) => note.conflictOf !== undefined);
    const secondConflict = [...second.documents()].find((note) => note.conflictOf !== undefined);

    expect(firstConflict?.unid).toBe(deriveUnid('conflict', UNID, 'server1#2'));
    expect(secondConflict?.unid).toBe(firstConflict?.unid);
  });

  it('marks a conflict with the $Conflict item', () => {
    const state = stateOf([created, editOnServer1, editOnServer2]);

    const conflict = [...state.documents()].find((note) => note.conflictOf !== undefined);

    expect(conflict).toBeDefined();
    expect(findItem(conflict?.items ?? {}, CONFLICT_ITEM)).toBeDefined();
  });

  it('keeps a conflict after the winner is edited again', () => {
    const editAgain = save({ originator: 'server2', counter: 2, seqTime: 4000, parent: editOnServer2 });

    const state = stateOf([created, editOnServer1, editOnServer2, editAgain]);

    const conflicts = [...state.documents()].filter((note) => note.conflictOf !== undefined);
    expect(conflicts.map((note) => note.revision)).toEqual([{ originator: 'server1', counter: 2 }]);
    expect(state.note(UNID)?.revision).toEqual({ originator: 'server2', counter: 2 });
  });

  it('lists documents of a form without conflicts', () => {
    const server = save({ originator: 'server1', counter: 3, seqTime: 500, unid: OTHER_UNID, form: 'Server', items: { ServerName: 'CN=server1/O=renovations' } });
    const state = stateOf([created, editOnServer1, editOnServer2, server]);

    const people = [...state.documentsOfForm('person')];
    const servers = [...state.documentsOfForm('SERVER')];

    expect(people.map((note) => note.unid)).toEqual([UNID]);
    expect(servers.map((note) => note.unid)).toEqual([OTHER_UNID]);
  });

  describe('digest', () => {
    const all = [created, editOnServer1, editOnServer2, save({ originator: 'server3', counter: 1, seqTime: 10, unid: OTHER_UNID })];

    it('ignores the order of adds', () => {
      const forward = stateOf(all);
      const backward = stateOf([...all].reverse());

      expect(backward.digest()).toBe(forward.digest());
      expect([...backward.documents()].sort(byUnid)).toEqual([...forward.documents()].sort(byUnid));
    });

    it('ignores duplicate adds', () => {
      const once = stateOf(all);
      const twice = stateOf([...all, ...all]);

      expect(twice.digest()).toBe(once.digest());
    });

    it('changes when a revision is missing', () => {
      const full = stateOf(all);
      const partial = stateOf(all.slice(0, 2));

      expect(partial.digest()).not.toBe(full.digest());
    });

    it('changes when the winner is deleted', () => {
      const live = stateOf([created, editOnServer1]);
      const deleted = stateOf([created, editOnServer1, remove('server2', 1, 5000, editOnServer1)]);

      expect(deleted.digest()).not.toBe(live.digest());
    });
  });
});
