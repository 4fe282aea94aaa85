import fc from 'fast-check';

import { compareRevisions, resolveHeads, type Revision, revisionKey } from '@domsim/directory';

const SEED = 20260412;
const REPLICA_ID = '852564AC:044EBCCF';
const UNID = '0123456789ABCDEF0123456789ABCDEF';
const BASE = { originator: 'base', counter: 1 };

function revision(fields: Partial<Revision> & Pick<Revision, 'originator' | 'counter' | 'seq' | 'seqTime'>): Revision {
  const deleted = fields.deleted ?? false;
  return {
    replicaId: REPLICA_ID,
    unid: UNID,
    parent: BASE,
    deleted,
    ...(deleted ? {} : { form: 'Person', items: { FullName: fields.originator } }),
    ...fields,
  };
}

const edit = (originator: string, seq: number, seqTime: number): Revision => revision({ originator, counter: 1, seq, seqTime });
const deletion = (originator: string, seq: number, seqTime: number): Revision => revision({ originator, counter: 1, seq, seqTime, deleted: true });

describe('resolveHeads', () => {
  it.each<[string, Revision[], string, string[]]>([
    ['most saves wins', [edit('a', 3, 100), edit('b', 2, 200)], 'a#1', ['b#1']],
    ['tie goes to the later save', [edit('a', 2, 100), edit('b', 2, 200)], 'b#1', ['a#1']],
    ['later deletion beats a single edit', [edit('a', 2, 100), deletion('b', 2, 200)], 'b#1', []],
    ['later single edit beats a deletion', [edit('a', 2, 300), deletion('b', 2, 200)], 'a#1', []],
    ['edit saved twice beats a later deletion', [edit('a', 3, 150), deletion('b', 2, 200)], 'a#1', []],
    ['deletion saved more beats an edit', [edit('a', 2, 300), deletion('b', 3, 200)], 'b#1', []],
    ['exact tie goes to the higher key', [edit('a', 2, 100), edit('b', 2, 100)], 'b#1', ['a#1']],
    ['losers keep their rank', [edit('a', 2, 100), edit('b', 4, 100), edit('c', 3, 100)], 'b#1', ['c#1', 'a#1']],
    ['deletions are no conflicts', [edit('a', 3, 100), deletion('b', 2, 100), edit('c', 2, 50)], 'a#1', ['c#1']],
    ['a single head wins alone', [edit('a', 1, 100)], 'a#1', []],
  ])('%s', (_label, heads, winner, conflicts) => {
    const resolution = resolveHeads(heads);

    expect(revisionKey(resolution.winner)).toBe(winner);
    expect(resolution.conflicts.map(revisionKey)).toEqual(conflicts);
  });

  it('rejects an empty set of heads', () => {
    expect(() => resolveHeads([])).toThrow('a note with no revisions cannot be resolved');
  });

  it('ignores the order of heads', () => {
    const head = fc.record({
      originator: fc.constantFrom('a', 'b', 'c'),
      counter: fc.integer({ min: 1, max: 3 }),
      seq: fc.integer({ min: 1, max: 4 }),
      seqTime: fc.integer({ min: 0, max: 3 }),
      deleted: fc.boolean(),
    });
    const heads = fc.uniqueArray(head, { minLength: 1, maxLength: 6, selector: (fields) => `${fields.originator}#${fields.counter}` });

    fc.assert(
      fc.property(heads, fc.func(fc.integer()), (fields, order) => {
        const revisions = fields.map((field) => revision(field));
        const shuffled = [...revisions].sort((a, b) => order(revisionKey(a)) - order(revisionKey(b)));

        const expected = resolveHeads(revisions);
        const actual = resolveHeads(shuffled);

        expect(revisionKey(actual.winner)).toBe(revisionKey(expected.winner));
        expect(actual.conflicts.map(revisionKey)).toEqual(expected.conflicts.map(revisionKey));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('compareRevisions', () => {
  it.each<[string, Revision, Revision]>([
    ['more saves', edit('a', 3, 100), edit('b', 2, 200)],
    ['later save', edit('a', 2, 200), edit('b', 2, 100)],
    ['higher key', edit('b', 2, 100), edit('a', 2, 100)],
  ])('orders %s first', (_label, winner, loser) => {
    expect(compareRevisions(winner, loser)).toBeGreaterThan(0);
    expect(compareRevisions(loser, winner)).toBeLessThan(0);
  });

  it('returns 0 for the same revision', () => {
    const same = edit('a', 2, 100);

    expect(compareRevisions(same, { ...same })).toBe(0);
  });
});
