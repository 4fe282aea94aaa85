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
  /**
   * Save times kept to measure lag, also for changes that left the timeline; the oldest are
   * dropped first. An arrival of a change whose save time was dropped adds no sample.
   */
  readonly maxSaves: number;
}

const DEFAULT_LIMITS: PropagationLimits = { maxChanges: 50, maxSamplesPerLink: 300, maxSaves: 5_000 };

type NoticeRevision = AppliedNotice['revisions'][number];

interface MutableChange {
  unid: string;
  form?: string;
  deleted: boolean;
  originator: string;
  counter: number;
  savedAt?: number;
  arrivals: Map<string, number>;
}

/** When a revision was saved, and the servers whose arrival already gave a lag sample. */
interface SaveRecord {
  readonly savedAt: number;
  readonly sampled: Set<string>;
}

/**
 * Builds the per-change timeline and the per-link lag series from the notices servers
 * publish after storing revisions. Lag is the receiving server's clock at apply time minus
 * the originating server's clock at save time.
 *
 * The timeline keeps the newest `maxChanges` changes. Once a change has been dropped, a
 * later notice of it, or of an older change from the same originating server, adds no
 * timeline entry, so a burst of saves cannot push entries without a save time to the top.
 * Lag samples do not depend on the timeline: they come from the last `maxSaves` save times.
 *
 * NOTE: across machines that difference includes the clock offset between them. A notice
 * does not name the server a revision came from, so a hop is always counted from the
 * originating server, also when an intermediate server passed the revision on.
 */
export class PropagationTracker {
  private readonly changes = new Map<string, MutableChange>();
  /** Per originating server, the highest counter of a change dropped from the timeline. */
  private readonly droppedUpTo = new Map<string, number>();
  private readonly saves = new Map<string, SaveRecord>();
  private readonly links = new Map<string, { from: string; to: string; samples: LagSample[] }>();
  private readonly limits: PropagationLimits;

  constructor(limits: Partial<PropagationLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Records one notice; returns true when it changed the timeline or the lag samples. */
  record(notice: AppliedNotice): boolean {
    let changed = false;
    for (const revision of notice.revisions) {
      if (this.recordRevision(notice, revision)) changed = true;
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

  private recordRevision(notice: AppliedNotice, revision: NoticeRevision): boolean {
    const key = `${revision.originator}#${revision.counter}`;
    const isSave = notice.server === revision.originator;
    if (isSave) this.rememberSave(key, notice.appliedAt);

    const change = this.changeOf(key, revision);
    if (change === undefined) {
      // The change left the timeline, but its arrival still measures the link.
      return !isSave && this.sampleArrival(key, revision.originator, notice.server, notice.appliedAt);
    }
    if (change.arrivals.has(notice.server)) return false;

    change.arrivals.set(notice.server, notice.appliedAt);
    if (isSave) {
      change.savedAt = notice.appliedAt;
      for (const [server, appliedAt] of change.arrivals) {
        if (server !== change.originator) this.sampleArrival(key, change.originator, server, appliedAt);
      }
    } else {
      this.sampleArrival(key, revision.originator, notice.server, notice.appliedAt);
    }
    return true;
  }

  /** Returns the timeline entry of a change, creating it unless the change was dropped already. */
  private changeOf(key: string, revision: NoticeRevision): MutableChange | undefined {
    const existing = this.changes.get(key);
    if (existing !== undefined) return existing;
    if (revision.counter <= (this.droppedUpTo.get(revision.originator) ?? Number.NEGATIVE_INFINITY)) return undefined;

    const change: MutableChange = { unid: revision.unid, form: revision.form, deleted: revision.deleted, originator: revision.originator, counter: revision.counter, arrivals: new Map() };
    this.changes.set(key, change);
    this.trimChanges();
    return change;
  }

  private rememberSave(key: string, savedAt: number): void {
    if (this.saves.has(key)) return;
    this.saves.set(key, { savedAt, sampled: new Set() });
    if (this.saves.size > this.limits.maxSaves) this.saves.delete(this.saves.keys().next().value as string);
  }

  /** Adds the lag sample of one arrival once; returns false when the save time is unknown or the arrival was sampled. */
  private sampleArrival(key: string, from: string, to: string, appliedAt: number): boolean {
    const save = this.saves.get(key);
    if (save === undefined || save.sampled.has(to)) return false;
    save.sampled.add(to);
    this.addSample(from, to, appliedAt, appliedAt - save.savedAt);
    return true;
  }

  private addSample(from: string, to: string, at: number, lagMs: number): void {
    const key = `${from}->${to}`;
    const link = this.links.get(key) ?? { from, to, samples: [] };
    link.samples.push({ at, lagMs });
    if (link.samples.length > 1 && link.samples[link.samples.length - 2].at > at) link.samples.sort((a, b) => a.at - b.at);
    if (link.samples.length > this.limits.maxSamplesPerLink) link.samples.splice(0, link.samples.length - this.limits.maxSamplesPerLink);
    this.links.set(key, link);
  }

  private trimChanges(): void {
    while (this.changes.size > this.limits.maxChanges) {
      const [oldestKey, oldest] = this.changes.entries().next().value as [string, MutableChange];
      this.changes.delete(oldestKey);
      this.droppedUpTo.set(oldest.originator, Math.max(oldest.counter, this.droppedUpTo.get(oldest.originator) ?? Number.NEGATIVE_INFINITY));
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
