import { InvalidNameError } from './errors';

/**
 * A Domino hierarchical name. `units` lists organizational units from the lowest
 * (OU1, next to the common name) to the highest (next to the organization).
 * A certifier or a trust scope has no common name.
 */
export interface DominoName {
  readonly common?: string;
  readonly units: readonly string[];
  readonly organization: string;
  readonly country?: string;
}

const MAX_UNITS = 4;
const MAX_COMPONENT_LENGTH = 64;
const COMPONENT_KEYS = ['CN', 'OU', 'O', 'C'] as const;
type ComponentKey = (typeof COMPONENT_KEYS)[number];

/**
 * Parses a name in canonical (`CN=server1/O=renovations`) or abbreviated
 * (`server1/renovations`) form. A leading slash names a certifier: `/renovations`,
 * `/OU=sales/O=renovations`.
 */
export function parseName(input: string): DominoName {
  const text = input.trim();
  if (text.length === 0) {
    throw new InvalidNameError(input, 'the name is empty');
  }
  const isCertifier = text.startsWith('/');
  const parts = (isCertifier ? text.slice(1) : text).split('/').map((part) => part.trim());
  if (parts.some((part) => part.length === 0)) {
    throw new InvalidNameError(input, 'a component between slashes is empty');
  }

  const name = parts.some((part) => part.includes('=')) ? fromCanonicalParts(input, parts) : fromAbbreviatedParts(input, parts, isCertifier);

  if (isCertifier && name.common !== undefined) {
    throw new InvalidNameError(input, 'a certifier name starting with "/" cannot have a CN component');
  }
  validateName(input, name);
  return name;
}

function fromCanonicalParts(input: string, parts: string[]): DominoName {
  let common: string | undefined;
  const units: string[] = [];
  let organization: string | undefined;
  let country: string | undefined;
  let lastRank = -1;

  for (const part of parts) {
    const separator = part.indexOf('=');
    if (separator <= 0) {
      throw new InvalidNameError(input, `component "${part}" has no key; write every component as CN=, OU=, O= or C=`);
    }
    const key = part.slice(0, separator).trim().toUpperCase();
    const value = part.slice(separator + 1).trim();
    if (!isComponentKey(key)) {
      throw new InvalidNameError(input, `unknown component key "${key}"; use CN, OU, O or C`);
    }
    const rank = COMPONENT_KEYS.indexOf(key);
    if (rank < lastRank || (rank === lastRank && key !== 'OU')) {
      throw new InvalidNameError(input, `component ${key}= is out of order; the order is CN, OU..., O, C`);
    }
    lastRank = rank;
    if (key === 'CN') common = value;
    if (key === 'OU') units.push(value);
    if (key === 'O') organization = value;
    if (key === 'C') country = value;
  }

  if (organization === undefined) {
    throw new InvalidNameError(input, 'the O= component is missing');
  }
  return { common, units, organization, country };
}

function fromAbbreviatedParts(input: string, parts: string[], isCertifier: boolean): DominoName {
  if (isCertifier) {
    return { units: parts.slice(0, -1), organization: parts[parts.length - 1] };
  }
  if (parts.length < 2) {
    throw new InvalidNameError(input, 'a hierarchical name needs at least a common name and an organization, e.g. server1/renovations');
  }
  // NOTE: a two-letter last component is read as an organization, not a country,
  // because the abbreviated form alone cannot tell them apart; use C= to name a country.
  return { common: parts[0], units: parts.slice(1, -1), organization: parts[parts.length - 1] };
}

function isComponentKey(key: string): key is ComponentKey {
  return (COMPONENT_KEYS as readonly string[]).includes(key);
}

function validateName(input: string, name: DominoName): void {
  if (name.units.length > MAX_UNITS) {
    throw new InvalidNameError(input, `a name has at most ${MAX_UNITS} OU components, found ${name.units.length}`);
  }
  const values = [name.common, ...name.units, name.organization, name.country].filter((value): value is string => value !== undefined);
  for (const value of values) {
    if (value.length === 0) {
      throw new InvalidNameError(input, 'a component value is empty');
    }
    if (value.length > MAX_COMPONENT_LENGTH) {
      throw new InvalidNameError(input, `component "${value}" is longer than ${MAX_COMPONENT_LENGTH} characters`);
    }
    if (value === '*' || value.includes('*')) {
      throw new InvalidNameError(input, `component "${value}" contains "*"; wildcards belong only in trust patterns such as */O=org`);
    }
  }
}

/** Formats a name as `CN=server1/OU=unit/O=org`; certifiers as `OU=unit/O=org`. */
export function toCanonical(name: DominoName): string {
  const parts: string[] = [];
  if (name.common !== undefined) parts.push(`CN=${name.common}`);
  for (const unit of name.units) parts.push(`OU=${unit}`);
  parts.push(`O=${name.organization}`);
  if (name.country !== undefined) parts.push(`C=${name.country}`);
  return parts.join('/');
}

/** Formats a name as `server1/unit/org`; certifiers as `/unit/org`, the way Domino displays them. */
export function toAbbreviated(name: DominoName): string {
  const parts = [...name.units, name.organization];
  if (name.country !== undefined) parts.push(name.country);
  return name.common === undefined ? `/${parts.join('/')}` : [name.common, ...parts].join('/');
}

/** Domino compares names without regard to case. */
export function sameName(left: DominoName, right: DominoName): boolean {
  return toCanonical(left).toLowerCase() === toCanonical(right).toLowerCase();
}

/** Returns the certifier that issued a name: the name without its common name. */
export function certifierOf(name: DominoName): DominoName {
  return { units: name.units, organization: name.organization, country: name.country };
}

/** Parses and re-formats a name abbreviated, for display and lookups. */
export function abbreviate(input: string): string {
  return toAbbreviated(parseName(input));
}

/** Parses and re-formats a name canonical. */
export function canonicalize(input: string): string {
  return toCanonical(parseName(input));
}

/** The lower-case canonical form, used as a key wherever Domino compares names. */
export function nameKey(input: string | DominoName): string {
  const name = typeof input === 'string' ? parseName(input) : input;
  return toCanonical(name).toLowerCase();
}

/** Like `nameKey`, but returns undefined for text that is not a valid name. */
export function tryNameKey(input: string): string | undefined {
  try {
    return nameKey(input);
  } catch {
    return undefined;
  }
}
