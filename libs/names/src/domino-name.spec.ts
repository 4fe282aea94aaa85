import fc from 'fast-check';

import { abbreviate, canonicalize, certifierOf, type DominoName, InvalidNameError, nameKey, parseName, sameName, toAbbreviated, toCanonical, tryNameKey } from '@domsim/names';

const SEED = 20260412;

function parseError(input: string): InvalidNameError {
  try {
    parseName(input);
  } catch (error) {
    if (error instanceof InvalidNameError) return error;
    throw error;
  }
  throw new Error(`parseName accepted ${JSON.stringify(input)}`);
}

describe('parseName', () => {
  it.each<[string, DominoName]>([
    ['CN=server1/O=renovations', { common: 'server1', units: [], organization: 'renovations' }],
    ['CN=web user/OU=sales/OU=east/O=renovations/C=US', { common: 'web user', units: ['sales', 'east'], organization: 'renovations', country: 'US' }],
    ['cn=server1/ou=sales/o=renovations/c=us', { common: 'server1', units: ['sales'], organization: 'renovations', country: 'us' }],
    [' CN = server1 / O = renovations ', { common: 'server1', units: [], organization: 'renovations' }],
    ['server1/renovations', { common: 'server1', units: [], organization: 'renovations' }],
    ['totp user/sales/east/mfatest1', { common: 'totp user', units: ['sales', 'east'], organization: 'mfatest1' }],
    ['/renovations', { units: [], organization: 'renovations' }],
    ['/sales/renovations', { units: ['sales'], organization: 'renovations' }],
    ['/OU=sales/O=renovations', { units: ['sales'], organization: 'renovations' }],
    ['OU=sales/O=renovations', { units: ['sales'], organization: 'renovations' }],
    ['O=renovations', { units: [], organization: 'renovations' }],
    ['a/1/2/3/4/org', { common: 'a', units: ['1', '2', '3', '4'], organization: 'org' }],
  ])('parses %s', (input, expected) => {
    const name = parseName(input);

    expect(name).toEqual(expected);
  });

  it('reads a two-letter abbreviated last part as organization', () => {
    const name = parseName('server1/renovations/US');

    expect(name.organization).toBe('US');
    expect(name.country).toBeUndefined();
  });

  it.each([
    ['', 'the name is empty'],
    ['   ', 'the name is empty'],
    ['server1', 'a hierarchical name needs at least a common name and an organization, e.g. server1/renovations'],
    ['server1//renovations', 'a component between slashes is empty'],
    ['/', 'a component between slashes is empty'],
    ['CN=server1/OU=sales', 'the O= component is missing'],
    ['CN=server1', 'the O= component is missing'],
    ['O=renovations/CN=server1', 'component CN= is out of order; the order is CN, OU..., O, C'],
    ['CN=server1/O=renovations/OU=sales', 'component OU= is out of order; the order is CN, OU..., O, C'],
    ['CN=server1/C=US/O=renovations', 'component O= is out of order; the order is CN, OU..., O, C'],
    ['CN=a/CN=b/O=renovations', 'component CN= is out of order; the order is CN, OU..., O, C'],
    ['CN=a/O=b/O=c', 'component O= is out of order; the order is CN, OU..., O, C'],
    ['CN=server1/X=east/O=renovations', 'unknown component key "X"; use CN, OU, O or C'],
    ['CN=server1/dc=east/O=renovations', 'unknown component key "DC"; use CN, OU, O or C'],
    ['server1/O=renovations', 'component "server1" has no key; write every component as CN=, OU=, O= or C='],
    ['=server1/O=renovations', 'component "=server1" has no key; write every component as CN=, OU=, O= or C='],
    ['CN=/O=renovations', 'a component value is empty'],
    ['a/1/2/3/4/5/org', 'a name has at most 4 OU components, found 5'],
    ['CN=a/OU=1/OU=2/OU=3/OU=4/OU=5/O=org', 'a name has at most 4 OU components, found 5'],
    ['/CN=server1/O=renovations', 'a certifier name starting with "/" cannot have a CN component'],
    ['*/renovations', 'component "*" contains "*"; wildcards belong only in trust patterns such as */O=org'],
    ['CN=*/O=renovations', 'component "*" contains "*"; wildcards belong only in trust patterns such as */O=org'],
    ['CN=web*/O=renovations', 'component "web*" contains "*"; wildcards belong only in trust patterns such as */O=org'],
    ['/O=reno*', 'component "reno*" contains "*"; wildcards belong only in trust patterns such as */O=org'],
    [`${'x'.repeat(65)}/renovations`, `component "${'x'.repeat(65)}" is longer than 64 characters`],
  ])('rejects %j', (input, reason) => {
    const error = parseError(input);

    expect(error.code).toBe('INVALID_NAME');
    expect(error.input).toBe(input);
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(`invalid name "${input}": ${reason}`);
  });

  it('accepts a 64-character component', () => {
    const value = 'x'.repeat(64);

    const name = parseName(`${value}/renovations`);

    expect(name.common).toBe(value);
  });
});

describe('toCanonical', () => {
  it.each([
    ['server1/renovations', 'CN=server1/O=renovations'],
    ['web user/sales/east/renovations', 'CN=web user/OU=sales/OU=east/O=renovations'],
    ['/sales/renovations', 'OU=sales/O=renovations'],
    ['/renovations', 'O=renovations'],
    ['CN=a/O=b/C=US', 'CN=a/O=b/C=US'],
  ])('formats %s', (input, expected) => {
    expect(toCanonical(parseName(input))).toBe(expected);
    expect(canonicalize(input)).toBe(expected);
  });
});

describe('toAbbreviated', () => {
  it.each([
    ['CN=server1/O=renovations', 'server1/renovations'],
    ['CN=web user/OU=sales/OU=east/O=renovations', 'web user/sales/east/renovations'],
    ['OU=sales/O=renovations', '/sales/renovations'],
    ['O=renovations', '/renovations'],
    ['CN=a/O=b/C=US', 'a/b/US'],
  ])('formats %s', (input, expected) => {
    expect(toAbbreviated(parseName(input))).toBe(expected);
    expect(abbreviate(input)).toBe(expected);
  });
});

/** Generates component values that parseName keeps as they are: no slash, no "*", no surrounding spaces. */
const componentValue = (options: { allowEquals: boolean }) =>
  fc
    .string({ minLength: 1, maxLength: 64, unit: 'grapheme' })
    .filter((value) => value === value.trim() && value.length > 0 && value.length <= 64 && !/[/*]/.test(value) && (options.allowEquals || !value.includes('=')));

const dominoName = (options: { allowEquals: boolean; withCountry: boolean }) =>
  fc.record(
    {
      common: componentValue(options),
      units: fc.array(componentValue(options), { maxLength: 4 }),
      organization: componentValue(options),
      ...(options.withCountry ? { country: componentValue(options) } : {}),
    },
    { requiredKeys: ['units', 'organization'] },
  ) as fc.Arbitrary<DominoName>;

describe('name round trips', () => {
  it('parseName inverts toCanonical', () => {
    fc.assert(
      fc.property(dominoName({ allowEquals: true, withCountry: true }), (name) => {
        expect(parseName(toCanonical(name))).toEqual(name);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('parseName inverts toAbbreviated', () => {
    fc.assert(
      fc.property(dominoName({ allowEquals: false, withCountry: false }), (name) => {
        expect(parseName(toAbbreviated(name))).toEqual(name);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('name keys', () => {
  it('ignore case and form', () => {
    const keys = ['CN=Server1/O=Renovations', 'server1/renovations', 'cn=SERVER1/o=RENOVATIONS'].map((input) => nameKey(input));

    expect(new Set(keys)).toEqual(new Set(['cn=server1/o=renovations']));
  });

  it('sameName ignores case', () => {
    expect(sameName(parseName('Server1/Renovations'), parseName('CN=server1/O=renovations'))).toBe(true);
    expect(sameName(parseName('server1/renovations'), parseName('server2/renovations'))).toBe(false);
  });

  it('tryNameKey returns undefined for invalid text', () => {
    expect(tryNameKey('server1')).toBeUndefined();
    expect(tryNameKey('server1/renovations')).toBe('cn=server1/o=renovations');
  });

  it('certifierOf drops the common name', () => {
    const certifier = certifierOf(parseName('web user/sales/renovations'));

    expect(toAbbreviated(certifier)).toBe('/sales/renovations');
  });
});
