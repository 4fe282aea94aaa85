import { Inject, Injectable } from '@nestjs/common';

import type { HealthReply } from '@domsim/client';
import type { DirectoryStore } from '@domsim/directory';

import type { ServerRuntime } from '../config/server-runtime';
import { ConsoleKeyService } from '../console/console-key.service';
import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { ServerStatusService } from '../status/server-status.service';
import { SERVER_RUNTIME } from '../tokens';

@Injectable()
export class HealthService {
  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
    private readonly status: ServerStatusService,
    private readonly keys: ConsoleKeyService,
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
    };
  }
}
