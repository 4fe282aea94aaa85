import type { Revision } from '@domsim/directory';

/** Notes a session added, updated and deleted on the side that received them. */
export interface SessionCounts {
  added: number;
  updated: number;
  deleted: number;
}

export function emptyCounts(): SessionCounts {
  return { added: 0, updated: 0, deleted: 0 };
}

/** Adds stored revisions to counts: a stub deletes, a revision without parent adds, others update. */
export function countRevisions(counts: SessionCounts, revisions: readonly Revision[]): SessionCounts {
  for (const revision of revisions) {
    if (revision.deleted) counts.deleted += 1;
    else if (revision.parent === null) counts.added += 1;
    else counts.updated += 1;
  }
  return counts;
}

export function addCounts(total: SessionCounts, more: SessionCounts): SessionCounts {
  total.added += more.added;
  total.updated += more.updated;
  total.deleted += more.deleted;
  return total;
}
