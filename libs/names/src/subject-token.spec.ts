import fc from 'fast-check';

import { type DominoName, nameKey, toCanonical, toSubjectToken } from '@domsim/names';

const SEED = 20260412;
const NATS_TOKEN = /^[a-z0-9_-]+$/;

describe('toSubjectToken', () => {
  it.each([
    ['server1/renovations', 'cn_3dserver1_2fo_3drenovations'],
    ['CN=Server1/O=Renovations', 'cn_3dserver1_2fo_3drenovations'],
    ['web user/renovations', 'cn_3dweb_20user_2fo_3drenovations'],
    ['/mfatest1', 'o_3dmfatest1'],
    ['müller/renovations', 'cn_3dm_c3_bcller_2fo_3drenovations'],
  ])('encodes %s', (name, token) => {
    expect(toSubjectToken(name)).toBe(token);
  });

  it.each([
    ['a.b/renovations', 'a_b/renovations'],
    ['a_2eb/renovations', 'a.b/renovations'],
    ['a-b/renovations', 'a_b/renovations'],
    ['a b/renovations', 'a_20b/renovations'],
  ])('keeps %s and %s apart', (left, right) => {
    expect(toSubjectToken(left)).not.toBe(toSubjectToken(right));
  });

  it('rejects text that is not a name', () => {
    expect(() => toSubjectToken('server1')).toThrow('a hierarchical name needs at least a common name');
  });
});

/** Generates well-formed text without "/" or "*" and without surrounding white space. */
const componentValue = fc
  .string({ minLength: 1, maxLength: 20, unit: 'grapheme' })
  .filter((value) => value.length > 0 && value === value.trim() && !/[/*]/.test(value));

const anyName: fc.Arbitrary<DominoName> = fc.record(
  {
    common: componentValue,
    units: fc.array(componentValue, { maxLength: 2 }),
    organization: componentValue,
    country: componentValue,
  },
  { requiredKeys: ['units', 'organization'] },
);

describe('subject token properties', () => {
  it('tokens are valid NATS tokens', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const token = toSubjectToken(toCanonical(name));

        expect(token).toMatch(NATS_TOKEN);
        expect(token).not.toMatch(/[.*>\s]/);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('distinct names never share a token', () => {
    fc.assert(
      fc.property(anyName, anyName, (left, right) => {
        fc.pre(nameKey(left) !== nameKey(right));

        expect(toSubjectToken(toCanonical(left))).not.toBe(toSubjectToken(toCanonical(right)));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('escape-like names never share a token', () => {
    const pieces = ['.', '_2e', ' ', '_20', '_', '_5f', '=', '_3d', 'e', '-'];
    const escapeLike = fc
      .array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 3 })
      .map((parts) => parts.join(''))
      .filter((value) => value.length > 0 && value === value.trim());
    const nameWith = (common: string): string => toCanonical({ common, units: [], organization: 'renovations' });

    fc.assert(
      fc.property(escapeLike, escapeLike, (left, right) => {
        fc.pre(nameKey(nameWith(left)) !== nameKey(nameWith(right)));

        expect(toSubjectToken(nameWith(left))).not.toBe(toSubjectToken(nameWith(right)));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
