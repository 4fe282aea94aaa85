import { createHash, randomBytes } from 'node:crypto';

/** A new replica ID in Domino's form: two groups of 8 hex digits, e.g. 852564AC:044EBCCF. */
export function newReplicaId(): string {
  const hex = randomBytes(8).toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}:${hex.slice(8)}`;
}

/** A new random UNID: 32 hex digits. */
export function newUnid(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/**
 * A UNID derived from a stable key, so two servers that create "the same" note
 * independently create one note with two revisions, and the conflict rule keeps one.
 */
export function deriveUnid(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32).toUpperCase();
}
