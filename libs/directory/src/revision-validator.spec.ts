import fc from 'fast-check';

import { checkRevision, revisionSchema } from '@domsim/directory';

import { acceptsQuickly } from './revision-validator';

const valid = {
  replicaId: '85258A2B:00112233',
  unid: 'ABCDEF0123456789ABCDEF0123456789',
  originator: 'CN=server1/O=renovations',
  counter: 7,
  seq: 2,
  seqTime: 1_764_000_000_000,
  parent: { originator: 'CN=server2/O=renovations', counter: 3 },
  deleted: false,
  form: 'Person',
  items: { FullName: 'CN=totp user/O=mfatest1', Count: 3, Flag: true, Names: ['a', 'b'], Numbers: [1, 2] },
};

const stub = { ...valid, deleted: true, form: undefined, items: undefined };

/** Values that are wrong somewhere in a revision, or right in one place and wrong in another. */
const oddValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, '', 'x', 'CN=server1', 'server1/renovations', '85258a2b:00112233', [], {}, ['x', 1], 'A'.repeat(129)),
  // Characters outside the Basic Multilingual Plane: two UTF-16 code units each, one code point.
  fc.constantFrom('\u{1F511}'.repeat(128), `CN=${'\u{1F511}'.repeat(127)}/O=renovations`, ['\u{1F511}'.repeat(32_769)], '\u{1F511}'.repeat(32_769), '\u{1F511}'.repeat(65_537), '\u{1F511}'.repeat(129)),
  fc.jsonValue({ maxDepth: 2 }),
);

const field = fc.constantFrom(
  'replicaId',
  'unid',
  'originator',
  'counter',
  'seq',
  'seqTime',
  'parent',
  'deleted',
  'purged',
  'form',
  'items',
  'extra',
  'parent.originator',
  'parent.counter',
  'parent.extra',
  'items.FullName',
  'items.',
  'items.Names',
  `items.${'\u{1F511}'.repeat(129)}`,
);

type Mutation = { readonly kind: 'set'; readonly path: string; readonly value: unknown } | { readonly kind: 'remove'; readonly path: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), path: field, value: oddValue }),
  fc.record({ kind: fc.constant('remove' as const), path: field }),
);

function apply(base: Record<string, unknown>, mutations: readonly Mutation[]): unknown {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  for (const change of mutations) {
    const [head, tail] = change.path.split('.') as [string, string | undefined];
    let target: Record<string, unknown> = copy;
    let key = head;
    if (tail !== undefined) {
      const inner = copy[head];
      if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) continue;
      target = inner as Record<string, unknown>;
      key = tail;
    }
    if (change.kind === 'remove') delete target[key];
    else target[key] = change.value;
  }
  return copy;
}

describe('checkRevision', () => {
  it('accepts a revision, a deletion stub and a purge placeholder', () => {
    expect(checkRevision(valid).ok).toBe(true);
    expect(checkRevision(JSON.parse(JSON.stringify(stub))).ok).toBe(true);
    expect(checkRevision({ ...JSON.parse(JSON.stringify(stub)), deleted: false, purged: true }).ok).toBe(true);
  });

  it('names the field and reason of what it rejects', () => {
    expect(checkRevision({ ...valid, unid: 'abc' })).toEqual({ ok: false, field: 'unid', reason: 'a UNID is 32 upper-case hex digits' });
    expect(checkRevision({ ...valid, originator: 'server1' })).toMatchObject({ ok: false, field: 'originator' });
  });

  it('agrees with the zod schema on every altered revision', () => {
    fc.assert(
      fc.property(fc.constantFrom(valid, stub as Record<string, unknown>), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, mutations) => {
        const candidate = apply(base, mutations);
        const reference = revisionSchema.safeParse(candidate).success;
        expect(acceptsQuickly(candidate)).toBe(reference);
        expect(checkRevision(candidate).ok).toBe(reference);
      }),
      { numRuns: 5_000 },
    );
  });
});
