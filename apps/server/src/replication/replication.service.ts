import { join } from 'node:path';

import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from 'nats';

import type { AppliedNotice } from '@domsim/client';
import { type DirectoryStore, NAMES_NSF } from '@domsim/directory';
import { abbreviate } from '@domsim/names';
import { ConnectionScheduler, type JobResult, ReplicationHistory, type ReplicationJob, Replicator } from '@domsim/replication';

import type { ServerRuntime } from '../config/server-runtime';
import { ConsoleOutputService, ConsoleTasks } from '../console/console-output.service';
import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { DomainDirectoryService } from '../directory/domain-directory.service';
import { NATS_CONNECTION, SERVER_RUNTIME } from '../tokens';
import { FaultService } from './fault.service';
import { jobLines } from './replication-lines';

/** Revisions per applied notice; a larger batch is published as several notices. */
const MAX_NOTICE_REVISIONS = 100;
/** File in the data directory that keeps the replication history across restarts. */
export const REPLICATION_HISTORY_FILE = 'replication-history.json';
/** Origin of jobs started from the console, whose lines the console prints as command output. */
export const CONSOLE_ORIGIN = 'console';
const SCHEDULER_TICK_MS = 1_000;

/**
 * Runs the Replicator task: cluster replication, the Connection schedules of names.nsf and
 * the console's replicate, pull and push. Publishes a notice of every stored batch.
 */
@Injectable()
export class ReplicationService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly replicator: Replicator;
  readonly scheduler: ConnectionScheduler;
  private readonly logger = new Logger('Replicator');
  private unsubscribe: (() => void) | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
    directory: DomainDirectoryService,
    private readonly output: ConsoleOutputService,
    faults: FaultService,
  ) {
    this.replicator = new Replicator({
      connection,
      store,
      subjects: runtime.subjects,
      server: runtime.setup.server,
      directory,
      logger: this.logger,
      history: new ReplicationHistory(join(runtime.dataDir, REPLICATION_HISTORY_FILE)),
      heartbeatMs: runtime.environment.DOMSIM_HEARTBEAT_MS,
      gate: faults.gate,
      // A pull or replicate typed at the console reports its failure there and is not repeated behind the administrator's back.
      retryOnContact: (job) => job.origin !== CONSOLE_ORIGIN,
      onJob: (event) => {
        if (event.kind === 'started' && event.job.origin !== CONSOLE_ORIGIN) {
          this.output.print([`Starting replication with server ${abbreviate(event.job.partner)}`], ConsoleTasks.Replicator);
        }
        if (event.kind === 'finished' && event.result.job.origin !== CONSOLE_ORIGIN) {
          this.output.print(jobLines(event.result).slice(1), ConsoleTasks.Replicator);
        }
      },
    });
    this.scheduler = new ConnectionScheduler({
      server: runtime.setup.server,
      names: () => store.findReplica(NAMES_NSF),
      enqueue: (job) => void this.replicator.replicate(job),
      isQueued: (partner, origin) => this.replicator.isQueued(partner, origin),
      invalid: (unid, error) => this.output.print([`Connection document ${unid} is ignored: ${error.message}`], ConsoleTasks.Replicator),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.publishAppliedNotices();
    await this.replicator.start();
    this.ticker = setInterval(() => this.scheduler.tick(), SCHEDULER_TICK_MS);
    this.ticker.unref();
    this.output.print(['Database Replicator started'], ConsoleTasks.Replicator);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.unsubscribe?.();
    await this.replicator.stop();
  }

  /** Runs a job from the console and returns its result; the console prints the lines. */
  replicateNow(job: Omit<ReplicationJob, 'origin'>): Promise<JobResult> {
    return this.replicator.replicate({ ...job, origin: CONSOLE_ORIGIN });
  }

  private publishAppliedNotices(): void {
    const subject = this.runtime.subjects.applied(this.runtime.setup.server);
    this.unsubscribe = this.store.onApplied((replica, revisions, source) => {
      if (this.connection.isClosed()) return;
      const appliedAt = Date.now();
      // A large batch goes out as several notices, so watchers see its newest revisions too.
      for (let start = 0; start < revisions.length; start += MAX_NOTICE_REVISIONS) {
        const notice: AppliedNotice = {
          server: this.runtime.setup.server,
          replicaId: replica.replicaId,
          source,
          appliedAt,
          count: revisions.length,
          revisions: revisions.slice(start, start + MAX_NOTICE_REVISIONS).map((revision) => ({
            unid: revision.unid,
            originator: revision.originator,
            counter: revision.counter,
            form: revision.form,
            deleted: revision.deleted,
          })),
        };
        this.connection.publish(subject, JSON.stringify(notice));
      }
    });
  }
}
