import { type Revision, revisionKey } from './revision';

/**
 * Orders two concurrent revisions of a note by Domino's rule: the one saved more times
 * wins, then the one saved later. The revision key breaks an exact tie so that every
 * replica picks the same winner. Returns a positive number when `a` wins.
 *
 * The rule also settles an edit against a deletion: the stub (one save after the common
 * ancestor) wins unless the edit was saved more than once or after the deletion.
 */
export function compareRevisions(a: Revision, b: Revision): number {
  if (a.seq !== b.seq) return a.seq - b.seq;
  if (a.seqTime !== b.seqTime) return a.seqTime - b.seqTime;
  const aKey = revisionKey(a);
  const bKey = revisionKey(b);
  return aKey === bKey ? 0 : aKey > bKey ? 1 : -1;
}

export interface Resolution {
  readonly winner: Revision;
  /** Losing edits shown as "Replication or Save Conflict" documents; empty when the winner is a deletion. */
  readonly conflicts: readonly Revision[];
}

/** Picks the visible revision among a note's heads (revisions no other revision edited). */
export function resolveHeads(heads: Iterable<Revision>): Resolution {
  const sorted = [...heads].sort((a, b) => compareRevisions(b, a));
  if (sorted.length === 0) {
    throw new Error('a note with no revisions cannot be resolved');
  }
  const [winner, ...losers] = sorted;
  if (winner.deleted) {
    return { winner, conflicts: [] };
  }
  return { winner, conflicts: losers.filter((revision) => !revision.deleted) };
}
