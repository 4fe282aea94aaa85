import { nameKey } from '@domsim/names';

import type { ReplicationType } from './connections';
import type { SessionCounts } from './session-counts';

/** What a replication job does: a Connection document's type, or a console command's direction. */
export type JobMode = ReplicationType;

export interface ReplicationJob {
  readonly partner: string;
  readonly mode: JobMode;
  /** Database paths; empty means every database both servers hold. */
  readonly databases: readonly string[];
  /** What asked for it, e.g. `console` or the UNID of a Connection document. */
  readonly origin: string;
}

export interface DatabaseResult {
  readonly path: string;
  readonly replicaId: string;
  readonly pulled?: SessionCounts;
  readonly pushed?: SessionCounts;
  readonly error?: string;
}

export interface JobResult {
  readonly job: ReplicationJob;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly databases: readonly DatabaseResult[];
  /** Set when the job could not start, e.g. an unknown database. */
  readonly error?: string;
}

interface Pending {
  readonly job: ReplicationJob;
  readonly resolve: (result: JobResult) => void;
}

/**
 * The Replicator task's queue: jobs run one at a time, as Domino's replicator does, and a
 * job asked for while another runs waits its turn. A job for a partner and mode that is
 * already waiting is not queued twice; its caller gets the waiting job's result.
 */
export class ReplicationJobQueue {
  private readonly waiting: Pending[] = [];
  private running: ReplicationJob | undefined;
  private closed = false;

  constructor(private readonly run: (job: ReplicationJob) => Promise<JobResult>) {}

  enqueue(job: ReplicationJob): Promise<JobResult> {
    if (this.closed) return Promise.resolve({ job, startedAt: Date.now(), finishedAt: Date.now(), databases: [], error: 'the replicator is stopping' });
    const same = this.waiting.find((pending) => sameJob(pending.job, job));
    if (same !== undefined) {
      return new Promise((resolve) => {
        const previous = same.resolve;
        (same as { resolve: (result: JobResult) => void }).resolve = (result) => {
          previous(result);
          resolve(result);
        };
      });
    }
    const promise = new Promise<JobResult>((resolve) => this.waiting.push({ job, resolve }));
    void this.drain();
    return promise;
  }

  /** The job running now, if any. */
  current(): ReplicationJob | undefined {
    return this.running;
  }

  pendingCount(): number {
    return this.waiting.length;
  }

  isQueued(partner: string, origin: string): boolean {
    return this.waiting.some((pending) => nameKey(pending.job.partner) === nameKey(partner) && pending.job.origin === origin);
  }

  close(): void {
    this.closed = true;
  }

  private async drain(): Promise<void> {
    if (this.running !== undefined) return;
    for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) {
      this.running = next.job;
      try {
        next.resolve(await this.run(next.job));
      } finally {
        this.running = undefined;
      }
    }
  }
}

function sameJob(a: ReplicationJob, b: ReplicationJob): boolean {
  return nameKey(a.partner) === nameKey(b.partner) && a.mode === b.mode && a.databases.join('\n').toLowerCase() === b.databases.join('\n').toLowerCase();
}
