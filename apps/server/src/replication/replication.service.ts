import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from 'nats';

import type { AppliedNotice } from '@domsim/client';
import type { DirectoryStore } from '@domsim/directory';
import { Replicator } from '@domsim/replication';

import type { ServerRuntime } from '../config/server-runtime';
import { ConsoleOutputService, ConsoleTasks } from '../console/console-output.service';
import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { DomainDirectoryService } from '../directory/domain-directory.service';
import { NATS_CONNECTION, SERVER_RUNTIME } from '../tokens';

const MAX_NOTICE_REVISIONS = 100;

/** Starts the replicator once the directory is loaded and publishes a notice of every stored batch. */
@Injectable()
export class ReplicationService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly replicator: Replicator;
  private readonly logger = new Logger('Replicator');
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
    directory: DomainDirectoryService,
    private readonly output: ConsoleOutputService,
  ) {
    this.replicator = new Replicator({
      connection,
      store,
      subjects: runtime.subjects,
      server: runtime.setup.server,
      peersFor: (replicaId) => directory.peersFor(replicaId),
      mayReplicate: (replicaId, peer) => directory.mayReplicate(replicaId, peer),
      logger: this.logger,
      heartbeatMs: runtime.environment.DOMSIM_HEARTBEAT_MS,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const subject = this.runtime.subjects.applied(this.runtime.setup.server);
    this.unsubscribe = this.store.onApplied((replica, revisions, source) => {
      if (this.connection.isClosed()) return;
      const notice: AppliedNotice = {
        server: this.runtime.setup.server,
        replicaId: replica.replicaId,
        source,
        appliedAt: Date.now(),
        count: revisions.length,
        revisions: revisions.slice(0, MAX_NOTICE_REVISIONS).map((revision) => ({
          unid: revision.unid,
          originator: revision.originator,
          counter: revision.counter,
          form: revision.form,
          deleted: revision.deleted,
        })),
      };
      this.connection.publish(subject, JSON.stringify(notice));
    });

    await this.replicator.start();
    this.output.print(['Database Replicator started'], ConsoleTasks.Replicator);
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.replicator.stop();
  }
}
