import type { Revision } from '@domsim/directory';

/** How a revision reached this server: a cluster push as it was saved, or a pull session. */
export type Delivery = 'push' | 'pull';

interface DocumentCounts {
  added: number;
  updated: number;
  deleted: number;
}

/** Replication statistics of one server, named after Domino's `Replica.*` statistics. */
export interface ReplicationStatistics {
  readonly cluster: Readonly<DocumentCounts> & {
    readonly successful: number;
    readonly failed: number;
    /** Seconds from the save on the originating server to storage here, for the last push applied. */
    readonly secondsOnQueue: number;
    readonly secondsOnQueueAvg: number;
    readonly secondsOnQueueMax: number;
  };
  readonly pulled: Readonly<DocumentCounts> & { readonly successful: number; readonly failed: number };
  readonly revisionsPushed: number;
  readonly revisionsRejected: number;
  readonly messagesRejected: number;
  readonly pullsWaiting: number;
}

/** Counts what replication did, for `show stat` and the metrics endpoint. */
export class ReplicationCounters {
  private readonly cluster = { added: 0, updated: 0, deleted: 0, successful: 0, failed: 0, lastLagMs: 0, totalLagMs: 0, maxLagMs: 0, samples: 0 };
  private readonly pulled = { added: 0, updated: 0, deleted: 0, successful: 0, failed: 0 };
  revisionsPushed = 0;
  revisionsRejected = 0;
  messagesRejected = 0;

  constructor(private readonly now: () => number = Date.now) {}

  recordApplied(revisions: readonly Revision[], delivery: Delivery): void {
    if (revisions.length === 0) return;
    const counts = delivery === 'push' ? this.cluster : this.pulled;
    for (const revision of revisions) {
      if (revision.deleted) counts.deleted += 1;
      else if (revision.parent === null) counts.added += 1;
      else counts.updated += 1;
    }
    if (delivery === 'pull') return;

    this.cluster.successful += 1;
    const lagMs = Math.max(0, this.now() - revisions[revisions.length - 1].seqTime);
    this.cluster.lastLagMs = lagMs;
    this.cluster.totalLagMs += lagMs;
    this.cluster.maxLagMs = Math.max(this.cluster.maxLagMs, lagMs);
    this.cluster.samples += 1;
  }

  recordPushFailure(): void {
    this.cluster.failed += 1;
  }

  recordPullSession(successful: boolean): void {
    if (successful) this.pulled.successful += 1;
    else this.pulled.failed += 1;
  }

  snapshot(pullsWaiting: number): ReplicationStatistics {
    const { lastLagMs, totalLagMs, maxLagMs, samples, ...cluster } = this.cluster;
    return {
      cluster: {
        ...cluster,
        secondsOnQueue: lastLagMs / 1000,
        secondsOnQueueAvg: samples === 0 ? 0 : totalLagMs / samples / 1000,
        secondsOnQueueMax: maxLagMs / 1000,
      },
      pulled: { ...this.pulled },
      revisionsPushed: this.revisionsPushed,
      revisionsRejected: this.revisionsRejected,
      messagesRejected: this.messagesRejected,
      pullsWaiting,
    };
  }
}
