import type { Revision } from '@domsim/directory';
import { nameKey } from '@domsim/names';

/** The newest revision's delay from each originating server, per replica. */
export interface LagSample {
  readonly partner: string;
  readonly replica: string;
  readonly lagSeconds: number;
  /** How many revisions of the batch the partner saved. */
  readonly revisions: number;
}

/**
 * The replication lag of a batch stored here: for each other originating server, the time
 * from the save of its newest revision in the batch (seqTime, on that server's clock) to
 * `now`. A revision pulled long after it was saved therefore shows a long lag.
 */
export function lagSamples(self: string, replica: string, revisions: readonly Revision[], now: number): LagSample[] {
  const newest = new Map<string, { revision: Revision; count: number }>();
  for (const revision of revisions) {
    if (nameKey(revision.originator) === nameKey(self)) continue;
    const known = newest.get(revision.originator);
    if (known === undefined) newest.set(revision.originator, { revision, count: 1 });
    else newest.set(revision.originator, { revision: revision.seqTime > known.revision.seqTime ? revision : known.revision, count: known.count + 1 });
  }
  return [...newest.values()].map(({ revision, count }) => ({ partner: revision.originator, replica, lagSeconds: Math.max(0, now - revision.seqTime) / 1000, revisions: count }));
}
