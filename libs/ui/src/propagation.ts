import type { AppliedNotice } from '@domsim/client';

/** When one server stored one change, and how long after the originating save. */
export interface Arrival {
  readonly server: string;
  readonly appliedAt: number;
  /** Milliseconds from the save on the originating server; undefined when that save was not seen. */
  readonly lagMs?: number;
}

/** One change (a revision, named by its origin position) and where it has arrived. */
export interface ChangeTimeline {
  readonly unid: string;
  readonly form?: string;
  readonly deleted: boolean;
  readonly originator: string;
  readonly counter: number;
  /** The save on the originating server; undefined when it happened before the feed started. */
  readonly savedAt?: number;
  /** Arrivals in order of time, the originating save included. */
  readonly arrivals: readonly Arrival[];
}

/** A lag measurement on the link from the originating server to the server that applied it. */
export interface LagSample {
  readonly at: number;
  readonly lagMs: number;
}

export interface LinkLag {
  readonly from: string;
  readonly to: string;
  readonly samples: readonly LagSample[];
}

export interface PropagationLimits {
  /** Changes kept in the timeline; the oldest are dropped first. */
  readonly maxChanges: number;
  /** Samples kept per link; the oldest are dropped first. */
  readonly maxSamplesPerLink: number;
}

const DEFAULT_LIMITS: PropagationLimits = { maxChanges: 50, maxSamplesPerLink: 300 };

interface MutableChange {
  unid: string;
  form?: string;
  deleted: boolean;
  originator: string;
  counter: number;
  savedAt?: number;
  arrivals: Map<string, number>;
}

/**
 * Builds the per-change timeline and the per-link lag series from the notices servers
 * publish after storing revisions. Lag is the receiving server's clock at apply time minus
 * the originating server's clock at save time.
 *
 * NOTE: across machines that difference includes the clock offset between them. A notice
 * does not name the server a revision came from, so a hop is always counted from the
 * originating server, also when an intermediate server passed the revision on.
 */
export class PropagationTracker {
  private readonly changes = new Map<string, MutableChange>();
  private readonly links = new Map<string, { from: string; to: string; samples: LagSample[] }>();

  constructor(private readonly limits: PropagationLimits = DEFAULT_LIMITS) {}

  /** Records one notice; returns true when it changed the timeline. */
  record(notice: AppliedNotice): boolean {
    let changed = false;
    for (const revision of notice.revisions) {
      const key = `${revision.originator}#${revision.counter}`;
      let change = this.changes.get(key);
      if (change === undefined) {
        change = { unid: revision.unid, form: revision.form, deleted: revision.deleted, originator: revision.originator, counter: revision.counter, arrivals: new Map() };
        this.changes.set(key, change);
        this.trimChanges();
      }
      if (change.arrivals.has(notice.server)) continue;

      change.arrivals.set(notice.server, notice.appliedAt);
      changed = true;
      if (notice.server === revision.originator) {
        change.savedAt = notice.appliedAt;
        this.backfillLinks(change);
      } else if (change.savedAt !== undefined) {
        this.addSample(revision.originator, notice.server, notice.appliedAt, notice.appliedAt - change.savedAt);
      }
    }
    return changed;
  }

  /** Returns the changes, newest first. */
  timeline(): ChangeTimeline[] {
    return [...this.changes.values()].reverse().map((change) => toTimeline(change));
  }

  /** Returns the timeline of the newest change to one note, if the tracker has one. */
  latestChangeOf(unid: string): ChangeTimeline | undefined {
    return this.timeline().find((change) => change.unid === unid);
  }

  linkLags(): LinkLag[] {
    return [...this.links.values()].map((link) => ({ from: link.from, to: link.to, samples: [...link.samples] }));
  }

  /** Samples for arrivals that were seen before the originating save's notice. */
  private backfillLinks(change: MutableChange): void {
    const savedAt = change.savedAt as number;
    for (const [server, appliedAt] of change.arrivals) {
      if (server !== change.originator) this.addSample(change.originator, server, appliedAt, appliedAt - savedAt);
    }
  }

  private addSample(from: string, to: string, at: number, lagMs: number): void {
    const key = `${from}->${to}`;
    const link = this.links.get(key) ?? { from, to, samples: [] };
    link.samples.push({ at, lagMs });
    link.samples.sort((a, b) => a.at - b.at);
    if (link.samples.length > this.limits.maxSamplesPerLink) link.samples.splice(0, link.samples.length - this.limits.maxSamplesPerLink);
    this.links.set(key, link);
  }

  private trimChanges(): void {
    while (this.changes.size > this.limits.maxChanges) {
      const oldest = this.changes.keys().next().value as string;
      this.changes.delete(oldest);
    }
  }
}

function toTimeline(change: MutableChange): ChangeTimeline {
  const arrivals = [...change.arrivals.entries()]
    .map(([server, appliedAt]): Arrival => (change.savedAt === undefined ? { server, appliedAt } : { server, appliedAt, lagMs: appliedAt - change.savedAt }))
    .sort((a, b) => a.appliedAt - b.appliedAt);
  return {
    unid: change.unid,
    form: change.form,
    deleted: change.deleted,
    originator: change.originator,
    counter: change.counter,
    savedAt: change.savedAt,
    arrivals,
  };
}
