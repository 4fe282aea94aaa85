import fc from 'fast-check';

import { type Note, type ReplicaInfo, ReplicaState, type Revision, revisionKey } from '@domsim/directory';

const SEED = 20260412;
const INFO: ReplicaInfo = { replicaId: '852564AC:044EBCCF', path: 'names.nsf', title: "renovations's Directory" };
const SERVERS = ['server1', 'server2', 'server3'] as const;
const UNIDS = ['A'.repeat(32), 'B'.repeat(32), 'C'.repeat(32)] as const;

type Step =
  | { readonly kind: 'save'; readonly server: number; readonly unid: number; readonly action: 'write' | 'delete'; readonly tick: number }
  | { readonly kind: 'sync'; readonly from: number; readonly to: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('save' as const),
      server: fc.integer({ min: 0, max: 2 }),
      unid: fc.integer({ min: 0, max: 2 }),
      action: fc.constantFrom('write' as const, 'write' as const, 'delete' as const),
      tick: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const), from: fc.integer({ min: 0, max: 2 }), to: fc.integer({ min: 0, max: 2 }) }) },
);

interface SimulatedReplica {
  readonly server: string;
  readonly state: ReplicaState;
  readonly received: Map<string, Revision>;
  counter: number;
}

function stateOf(revisions: readonly Revision[]): ReplicaState {
  const state = new ReplicaState(INFO);
  for (const revision of revisions) state.add(revision);
  return state;
}

function deliver(replica: SimulatedReplica, revision: Revision): void {
  replica.received.set(revisionKey(revision), revision);
  replica.state.add(revision);
}

/**
 * Runs a history on three replicas. Each save edits the replica's own current winner, the way
 * DirectoryStore builds revisions: parent pointer, seq one past the parent's, a per-server counter.
 * Returns every revision in the order the servers saved them.
 */
function runHistory(steps: readonly Step[]): Revision[] {
  const replicas: SimulatedReplica[] = SERVERS.map((server) => ({ server, state: new ReplicaState(INFO), received: new Map(), counter: 0 }));
  const saved: Revision[] = [];
  let clock = 1000;

  for (const current of steps) {
    if (current.kind === 'sync') {
      for (const revision of replicas[current.from].received.values()) deliver(replicas[current.to], revision);
      continue;
    }

    const replica = replicas[current.server];
    const unid = UNIDS[current.unid];
    const parent = replica.state.winner(unid);
    const live = parent !== undefined && !parent.deleted;
    if (current.action === 'delete' && !live) continue;

    clock += current.tick;
    replica.counter += 1;
    const base = {
      replicaId: INFO.replicaId,
      unid,
      originator: replica.server,
      counter: replica.counter,
      seq: (parent?.seq ?? 0) + 1,
      seqTime: Math.max(clock, (parent?.seqTime ?? 0) + 1),
      parent: parent === undefined ? null : { originator: parent.originator, counter: parent.counter },
    };
    const revision: Revision =
      current.action === 'delete'
        ? { ...base, deleted: true }
        : { ...base, deleted: false, form: 'Person', items: { FullName: `${replica.server} save ${replica.counter}` } };
    deliver(replica, revision);
    saved.push(revision);
  }
  return saved;
}

/** Fisher-Yates with a small seeded generator (mulberry32), so fast-check's seed fixes every order. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const result = [...items];
  for (let index = result.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other], result[index]];
  }
  return result;
}

const sortedDocuments = (state: ReplicaState): Note[] => [...state.documents()].sort((a, b) => a.unid.localeCompare(b.unid));

describe('replica convergence', () => {
  it('any delivery order gives one state', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer(), { minLength: 3, maxLength: 5 }),
        fc.nat({ max: 10 }),
        (steps, orderSeeds, repeated) => {
          const revisions = runHistory(steps);
          const reference = stateOf(revisions);

          for (const orderSeed of orderSeeds) {
            const order = shuffle(revisions, orderSeed);
            const state = stateOf([...order, ...order.slice(0, repeated)]);

            expect(state.digest()).toBe(reference.digest());
            expect(sortedDocuments(state)).toEqual(sortedDocuments(reference));
          }
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('histories include conflicts and deletions', () => {
    const samples = fc.sample(fc.array(step, { minLength: 1, maxLength: 40 }), { seed: SEED, numRuns: 200 });

    const withConflicts = samples.filter((steps) => [...stateOf(runHistory(steps)).documents()].some((note) => note.conflictOf !== undefined));
    const withDeletions = samples.filter((steps) => runHistory(steps).some((revision) => revision.deleted));

    expect(withConflicts.length).toBeGreaterThan(20);
    expect(withDeletions.length).toBeGreaterThan(20);
  });
});
