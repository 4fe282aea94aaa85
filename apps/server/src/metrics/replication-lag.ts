import type { Revision } from '@domsim/directory';
import { nameKey } from '@domsim/names';

/** The newest revision's delay from each originating server, per replica. */
export interface LagSample {
  readonly partner: string;
  readonly replica: string;
  readonly lagSeconds: number;
}

/**
 * The replication lag of a batch stored here: for each other originating server, the time
 * from the save of its newest revision in the batch (seqTime, on that server's clock) to
 * `now`. A revision pulled long after it was saved therefore shows a long lag.
 */
export function lagSamples(self: string, replica: string, revisions: readonly Revision[], now: number): LagSample[] {
  const newest = new Map<string, Revision>();
  for (const revision of revisions) {
    if (nameKey(revision.originator) === nameKey(self)) continue;
    const known = newest.get(revision.originator);
    if (known === undefined || revision.seqTime > known.seqTime) newest.set(revision.originator, revision);
  }
  return [...newest.values()].map((revision) => ({ partner: revision.originator, replica, lagSeconds: Math.max(0, now - revision.seqTime) / 1000 }));
}
