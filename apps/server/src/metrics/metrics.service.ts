import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { DirectoryStore } from '@domsim/directory';
import { abbreviate } from '@domsim/names';

import type { ServerRuntime } from '../config/server-runtime';
import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { ReplicationService } from '../replication/replication.service';
import { DOMSIM_VERSION } from '../status/server-info';
import { SERVER_RUNTIME } from '../tokens';
import { lagSamples } from './replication-lag';

/** Buckets of the replication delay histogram, in seconds: 1 ms to 10 minutes. */
const DELAY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

/**
 * Collects the server's Prometheus metrics in a registry of its own. Counts of stored
 * revisions and their lag are updated as the directory store stores batches. Replication
 * counters are copied from the replicator at each scrape.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  readonly registry = new Registry();
  private readonly applied: Counter<'replica' | 'source'>;
  private readonly lag: Gauge<'partner' | 'replica'>;
  private readonly received: Counter<'partner' | 'replica'>;
  private readonly lastReceived: Gauge<'partner' | 'replica'>;
  private readonly delay: Histogram<'replica'>;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
    private readonly replication: ReplicationService,
  ) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ server: abbreviate(runtime.setup.server), domain: runtime.setup.domain });
    collectDefaultMetrics({ register: this.registry });

    new Gauge({ name: 'domsim_server_info', help: 'Always 1; the labels name the domsim version.', labelNames: ['version'], registers }).set({ version: DOMSIM_VERSION }, 1);
    this.applied = new Counter({ name: 'domsim_revisions_applied_total', help: "Revisions stored in this server's log, by replica and by source (local saves or remote servers).", labelNames: ['replica', 'source'], registers });
    this.lag = new Gauge({
      name: 'domsim_replication_lag_seconds',
      help: 'Time from the save on the partner (the originating server) to storage here, for the newest revision last received from it.',
      labelNames: ['partner', 'replica'],
      registers,
    });
    this.received = new Counter({ name: 'domsim_partner_revisions_received_total', help: 'Revisions saved on the partner (the originating server) and stored here.', labelNames: ['partner', 'replica'], registers });
    this.lastReceived = new Gauge({
      name: 'domsim_partner_last_received_timestamp_seconds',
      help: 'When this server last stored a revision saved on the partner, in seconds since the epoch.',
      labelNames: ['partner', 'replica'],
      registers,
    });
    this.delay = new Histogram({ name: 'domsim_replication_delay_seconds', help: 'Time from the save on the originating server to storage here, per received revision batch.', labelNames: ['replica'], buckets: DELAY_BUCKETS, registers });
    this.registerReplicationMetrics(registers);
  }

  onModuleInit(): void {
    this.unsubscribe = this.store.onApplied((replica, revisions, source) => {
      this.applied.inc({ replica: replica.info.path, source }, revisions.length);
      if (source !== 'remote') return;
      const now = Date.now();
      for (const sample of lagSamples(this.runtime.setup.server, replica.info.path, revisions, now)) {
        const labels = { partner: abbreviate(sample.partner), replica: sample.replica };
        this.lag.set(labels, sample.lagSeconds);
        this.lastReceived.set(labels, now / 1000);
        this.received.inc(labels, sample.revisions);
        this.delay.observe({ replica: sample.replica }, sample.lagSeconds);
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Renders every metric in Prometheus's text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  private registerReplicationMetrics(registers: Registry[]): void {
    const stats = () => this.replication.replicator.stats();
    const store = this.store;
    // NOTE: the replicator keeps these totals itself; each scrape copies them into the counters.
    const copied = (name: string, help: string, read: () => Array<[Record<string, string>, number]>, labelNames: string[] = []) =>
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const [labels, value] of read()) this.inc(labels, value);
        },
      });

    copied('domsim_revisions_pushed_total', 'Revisions this server published to the servers that host the replica (cluster replication).', () => [[{}, stats().revisionsPushed]]);
    copied('domsim_revisions_rejected_total', 'Received revisions that were invalid or failed verification (e.g. a bad signature).', () => [[{}, stats().revisionsRejected]]);
    copied('domsim_messages_rejected_total', 'Replication messages that could not be decoded.', () => [[{}, stats().messagesRejected]]);
    copied(
      'domsim_pushes_received_total',
      'Pushed revision batches from other servers, by result.',
      () => [
        [{ result: 'successful' }, stats().cluster.successful],
        [{ result: 'failed' }, stats().cluster.failed],
      ],
      ['result'],
    );
    copied(
      'domsim_pulls_total',
      'Pull sessions this server ran against partners, by result.',
      () => [
        [{ result: 'successful' }, stats().pulled.successful],
        [{ result: 'failed' }, stats().pulled.failed],
      ],
      ['result'],
    );
    new Gauge({
      name: 'domsim_pulls_in_flight',
      help: 'Pull sessions running now.',
      registers,
      collect() {
        this.set(stats().pullsWaiting);
      },
    });
    new Gauge({
      name: 'domsim_conflict_documents',
      help: 'Replication or Save Conflict documents the replica shows now.',
      labelNames: ['replica'],
      registers,
      collect() {
        for (const replica of store.replicas()) this.set({ replica: replica.info.path }, replica.conflictCount());
      },
    });
    new Gauge({
      name: 'domsim_notes',
      help: 'Notes in the replica, deletion stubs included.',
      labelNames: ['replica'],
      registers,
      collect() {
        for (const replica of store.replicas()) this.set({ replica: replica.info.path }, replica.noteCount());
      },
    });
  }
}
