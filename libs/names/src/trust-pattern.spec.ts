import fc from 'fast-check';

import {
  certifierCovers,
  certifierOf,
  type DominoName,
  formatPatternAbbreviated,
  formatPatternCanonical,
  InvalidNameError,
  matchesPattern,
  parseName,
  parseTrustPattern,
  toCanonical,
} from '@domsim/names';

const SEED = 20260412;

describe('matchesPattern', () => {
  it.each([
    ['totp user/mfatest1', '*/O=mfatest1', true],
    ['web user/renovations', '*/O=mfatest1', false],
    ['totp user/sales/mfatest1', '*/O=mfatest1', true],
    ['totp user/east/sales/mfatest1', '*/OU=sales/O=mfatest1', true],
    ['totp user/sales/mfatest1', '*/OU=sales/O=mfatest1', true],
    ['totp user/mfatest1', '*/OU=sales/O=mfatest1', false],
    ['totp user/sales/mfatest1', '*/OU=east/O=mfatest1', false],
    ['totp user/sales/east/mfatest1', '*/OU=sales/O=mfatest1', false],
    ['TOTP User/SALES/MFATEST1', '*/ou=sales/o=mfatest1', true],
    ['CN=totp user/O=mfatest1/C=US', '*/O=mfatest1', false],
    ['CN=totp user/O=mfatest1/C=US', '*/O=mfatest1/C=us', true],
    ['/mfatest1', '*/O=mfatest1', false],
  ])('%s under %s is %s', (name, pattern, expected) => {
    expect(matchesPattern(parseName(name), parseTrustPattern(pattern))).toBe(expected);
  });

  it('rejects a certifier that does not cover the pattern', () => {
    expect(certifierCovers(parseName('/mfatest1'), parseTrustPattern('*/O=other'))).toBe(false);
  });
});

describe('certifierCovers', () => {
  it.each([
    ['/mfatest1', '*/O=mfatest1', true],
    ['/mfatest1', '*/OU=sales/O=mfatest1', true],
    ['/sales/mfatest1', '*/OU=sales/O=mfatest1', true],
    ['/sales/mfatest1', '*/OU=east/OU=sales/O=mfatest1', true],
    ['/MFATEST1', '*/o=mfatest1', true],
    ['/sales/mfatest1', '*/O=mfatest1', false],
    ['/east/sales/mfatest1', '*/OU=sales/O=mfatest1', false],
    ['/sales/mfatest1', '*/OU=east/O=mfatest1', false],
    ['/renovations', '*/O=mfatest1', false],
    ['/O=mfatest1/C=US', '*/O=mfatest1', false],
    ['server1/mfatest1', '*/O=mfatest1', false],
  ])('%s for %s is %s', (certifier, pattern, expected) => {
    expect(certifierCovers(parseName(certifier), parseTrustPattern(pattern))).toBe(expected);
  });
});

describe('parseTrustPattern', () => {
  it.each([
    ['*/O=mfatest1', '*/O=mfatest1', '/mfatest1'],
    ['*/OU=sales/O=mfatest1', '*/OU=sales/O=mfatest1', '/sales/mfatest1'],
    ['*/ou=east/ou=sales/o=mfatest1', '*/OU=east/OU=sales/O=mfatest1', '/east/sales/mfatest1'],
    ['  */O=mfatest1  ', '*/O=mfatest1', '/mfatest1'],
  ])('parses %j', (input, canonical, abbreviated) => {
    const pattern = parseTrustPattern(input);

    expect(pattern.scope.common).toBeUndefined();
    expect(formatPatternCanonical(pattern)).toBe(canonical);
    expect(formatPatternAbbreviated(pattern)).toBe(abbreviated);
  });

  const CANONICAL_FORM = 'write the pattern in canonical form, e.g. */O=mfatest1 or */OU=sales/O=renovations';
  const STARTS_WITH = 'a trust pattern starts with "*/", e.g. */O=mfatest1 or */OU=sales/O=renovations';

  it.each([
    ['*/mfatest1', CANONICAL_FORM],
    ['*/sales/mfatest1', CANONICAL_FORM],
    ['*/OU=sales/mfatest1', CANONICAL_FORM],
    ['*/', 'the pattern names no organization after "*/"; add it, e.g. */O=mfatest1 or */OU=sales/O=renovations'],
    ['*/O=mfatest1/', 'the pattern ends with "/", which leaves an empty component; remove the trailing "/", e.g. */O=mfatest1'],
    ['*/OU=sales//O=mfatest1', 'the pattern has an empty component between two "/"; remove the extra "/", e.g. */OU=sales/O=mfatest1'],
    ['O=mfatest1', STARTS_WITH],
    ['/O=mfatest1', STARTS_WITH],
    ['*O=mfatest1', STARTS_WITH],
    ['', STARTS_WITH],
    ['*/CN=user/O=mfatest1', 'a certifier name starting with "/" cannot have a CN component'],
    ['*/O=mfa*', 'component "O=mfa*" contains "*"; a wildcard may only be the whole first component (*), e.g. */O=mfatest1'],
    ['*/*/O=mfatest1', 'component "*" contains "*"; a wildcard may only be the whole first component (*), e.g. */O=mfatest1'],
    ['*/OU=*/O=mfatest1', 'component "OU=*" contains "*"; a wildcard may only be the whole first component (*), e.g. */O=mfatest1'],
    ['*/O=mfatest1/OU=sales', 'component OU= is out of order; the order is CN, OU..., O, C'],
  ])('rejects %j', (input, reason) => {
    let caught: unknown;

    try {
      parseTrustPattern(input);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(InvalidNameError);
    expect((caught as InvalidNameError).reason).toBe(reason);
  });
});

const plainValue = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 .&-]{0,14}[A-Za-z0-9]$/);
const userName: fc.Arbitrary<DominoName> = fc.record({
  common: plainValue,
  units: fc.array(plainValue, { maxLength: 3 }),
  organization: plainValue,
});

describe('trust pattern properties', () => {
  it('a name matches the pattern of its certifier', () => {
    fc.assert(
      fc.property(userName, (name) => {
        const pattern = parseTrustPattern(`*/${toCanonical(certifierOf(name))}`);

        expect(matchesPattern(name, pattern)).toBe(true);
        expect(certifierCovers(certifierOf(name), pattern)).toBe(true);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('a certifier covers units below it but not above', () => {
    fc.assert(
      fc.property(userName, plainValue, (name, extraUnit) => {
        const certifier = certifierOf(name);
        const below = { ...certifier, units: [extraUnit, ...certifier.units] };

        expect(certifierCovers(certifier, parseTrustPattern(`*/${toCanonical(below)}`))).toBe(true);
        expect(certifierCovers(below, parseTrustPattern(`*/${toCanonical(certifier)}`))).toBe(false);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
