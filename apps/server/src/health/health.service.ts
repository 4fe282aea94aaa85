import { Inject, Injectable } from '@nestjs/common';

import type { HealthReply, ReplicationHealth } from '@domsim/client';
import type { DirectoryStore } from '@domsim/directory';

import type { ServerRuntime } from '../config/server-runtime';
import { ConsoleKeyService } from '../console/console-key.service';
import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { DomainDirectoryService } from '../directory/domain-directory.service';
import { ReplicationService } from '../replication/replication.service';
import { ServerStatusService } from '../status/server-status.service';
import { SERVER_RUNTIME } from '../tokens';

@Injectable()
export class HealthService {
  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
    private readonly status: ServerStatusService,
    private readonly keys: ConsoleKeyService,
    private readonly replication: ReplicationService,
    private readonly directory: DomainDirectoryService,
  ) {}

  health(): HealthReply {
    return {
      status: 'ok',
      server: this.runtime.setup.server,
      domain: this.runtime.setup.domain,
      pid: process.pid,
      uptimeMs: this.status.elapsedMs(),
      http: this.status.httpAddress,
      consoleKey: this.keys.publicKeyPem,
      replicas: this.store.replicas().map((replica) => ({
        path: replica.info.path,
        replicaId: replica.replicaId,
        digest: replica.digest(),
        vector: this.store.versionVector(replica.replicaId),
      })),
      replication: this.replicationHealth(),
    };
  }

  private replicationHealth(): ReplicationHealth {
    const { replicator, scheduler } = this.replication;
    const stats = replicator.stats();
    return {
      activity: replicator.activity(),
      cluster: this.directory.clusterName(),
      pushesQueued: stats.pushesQueued,
      jobsQueued: stats.jobsQueued,
      pullsWaiting: stats.pullsWaiting,
      history: replicator.history.all(),
      schedule: scheduler.connections().map(({ schedule, nextRunAt }) => ({
        destination: schedule.destination,
        type: schedule.enabled ? schedule.type : 'disabled',
        intervalSeconds: schedule.intervalSeconds,
        nextRunAt,
      })),
    };
  }
}
