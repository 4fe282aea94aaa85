import { nameKey } from '@domsim/names';

import type { ReplicationJob } from './replication-jobs';

interface PendingRetries {
  /** When the last attempt with this partner failed, in ms since the epoch. */
  failedAt: number;
  /** Failed jobs by origin: one retry per Connection document, not one per failure. */
  readonly jobs: Map<string, ReplicationJob>;
  /** Replica IDs whose cluster pull failed. */
  readonly pulls: Set<string>;
}

/** Jobs and pulls to repeat for a partner that was just heard from. */
export interface DueRetries {
  readonly jobs: readonly ReplicationJob[];
  readonly pulls: readonly string[];
}

/**
 * Keeps the replication that failed because a partner did not respond, so it runs again as
 * soon as that partner is heard from (its heartbeat, a push or a request) instead of at the
 * next scheduled time. A retry waits at least `minGapMs` after the failure, so a partner
 * that responds to messages but still fails sessions is not retried on every message.
 */
export class RetryOnContact {
  private readonly pending = new Map<string, PendingRetries>();

  constructor(
    private readonly minGapMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  jobFailed(job: ReplicationJob): void {
    this.entry(job.partner).jobs.set(job.origin, job);
  }

  jobSucceeded(job: ReplicationJob): void {
    this.pending.get(nameKey(job.partner))?.jobs.delete(job.origin);
    this.dropEmpty(job.partner);
  }

  pullFailed(partner: string, replicaId: string): void {
    this.entry(partner).pulls.add(replicaId);
  }

  pullSucceeded(partner: string, replicaId: string): void {
    this.pending.get(nameKey(partner))?.pulls.delete(replicaId);
    this.dropEmpty(partner);
  }

  /** Removes and returns what waits for this partner, or undefined when nothing is due yet. */
  takeDue(partner: string): DueRetries | undefined {
    const key = nameKey(partner);
    const entry = this.pending.get(key);
    if (entry === undefined || this.now() - entry.failedAt < this.minGapMs) return undefined;
    this.pending.delete(key);
    return { jobs: [...entry.jobs.values()], pulls: [...entry.pulls] };
  }

  /** Partners with replication waiting for them, for statistics and tests. */
  waitingPartners(): string[] {
    return [...this.pending.keys()];
  }

  private entry(partner: string): PendingRetries {
    const key = nameKey(partner);
    const entry = this.pending.get(key) ?? { failedAt: 0, jobs: new Map(), pulls: new Set() };
    entry.failedAt = this.now();
    this.pending.set(key, entry);
    return entry;
  }

  private dropEmpty(partner: string): void {
    const key = nameKey(partner);
    const entry = this.pending.get(key);
    if (entry !== undefined && entry.jobs.size === 0 && entry.pulls.size === 0) this.pending.delete(key);
  }
}
