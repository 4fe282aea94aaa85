import { certifierOf, type DominoName, parseName, toAbbreviated, toCanonical } from './domino-name';
import { InvalidNameError } from './errors';

// A wildcard name such as `*/O=mfatest1` or `*/OU=sales/O=renovations`: everyone below a scope.
export interface TrustPattern {
  readonly scope: DominoName;
}

// Parses the first argument of `mfamgmt create trustcert`. Domino expects the canonical
// form with a leading `*` component; the abbreviated form is rejected so that `*/sales/org`
// cannot be misread.
export function parseTrustPattern(input: string): TrustPattern {
  const text = input.trim();
  if (!text.startsWith('*/')) {
    throw new InvalidNameError(input, 'a trust pattern starts with "*/", e.g. */O=mfatest1 or */OU=sales/O=renovations');
  }
  const rest = text.slice(2);
  const components = rest.split('/');
  assertNoEmptyComponent(input, rest, components);
  const wildcard = components.find((component) => component.includes('*'));
  if (wildcard !== undefined) {
    throw new InvalidNameError(input, `component "${wildcard}" contains "*"; a wildcard may only be the whole first component (*), e.g. */O=mfatest1`);
  }
  if (components.some((component) => !component.includes('='))) {
    throw new InvalidNameError(input, 'write the pattern in canonical form, e.g. */O=mfatest1 or */OU=sales/O=renovations');
  }
  const scope = parseName(`/${rest}`);
  return { scope };
}

function assertNoEmptyComponent(input: string, rest: string, components: readonly string[]): void {
  if (rest === '') {
    throw new InvalidNameError(input, 'the pattern names no organization after "*/"; add it, e.g. */O=mfatest1 or */OU=sales/O=renovations');
  }
  if (components[components.length - 1] === '') {
    throw new InvalidNameError(input, 'the pattern ends with "/", which leaves an empty component; remove the trailing "/", e.g. */O=mfatest1');
  }
  if (components.includes('')) {
    throw new InvalidNameError(input, 'the pattern has an empty component between two "/"; remove the extra "/", e.g. */OU=sales/O=mfatest1');
  }
}

export function formatPatternCanonical(pattern: TrustPattern): string {
  return `*/${toCanonical(pattern.scope)}`;
}

// The form `show idvault` uses: `*/O=mfatest1` becomes `/mfatest1`.
export function formatPatternAbbreviated(pattern: TrustPattern): string {
  return toAbbreviated(pattern.scope);
}

/** True when `inner` is `outer` or lies below it (same O and C, `outer`'s OUs a suffix of `inner`'s). */
export function isWithinScope(inner: DominoName, outer: DominoName): boolean {
  if (inner.organization.toLowerCase() !== outer.organization.toLowerCase()) return false;
  if ((inner.country ?? '').toLowerCase() !== (outer.country ?? '').toLowerCase()) return false;
  if (outer.units.length > inner.units.length) return false;
  const offset = inner.units.length - outer.units.length;
  return outer.units.every((unit, index) => unit.toLowerCase() === inner.units[offset + index].toLowerCase());
}

/** True when a user or server name falls under the pattern. */
export function matchesPattern(name: DominoName, pattern: TrustPattern): boolean {
  return name.common !== undefined && isWithinScope(certifierOf(name), pattern.scope);
}

/** True when a certifier may grant trust for the pattern: the pattern is its own scope or below it. */
export function certifierCovers(certifier: DominoName, pattern: TrustPattern): boolean {
  return certifier.common === undefined && isWithinScope(pattern.scope, certifier);
}
