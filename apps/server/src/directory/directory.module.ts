import { join } from 'node:path';

import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';

import { DirectoryStore, type Revision } from '@domsim/directory';
import { SqliteEventLog } from '@domsim/event-log';
import { createCertificateCheck, TrustAnchors } from '@domsim/id-vault';

import type { ServerRuntime } from '../config/server-runtime';
import { EVENT_LOG, SERVER_RUNTIME, TRUST_ANCHORS } from '../tokens';
import { DIRECTORY_STORE } from './directory.tokens';
import { DomainDirectoryService } from './domain-directory.service';
import { InitialDocumentsService } from './initial-documents.service';

/** File name of the server's event log in its data directory. */
export const EVENT_LOG_FILE = 'eventlog.sqlite';

@Injectable()
class EventLogLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_LOG) private readonly log: SqliteEventLog<Revision>) {}

  onApplicationShutdown(): void {
    this.log.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: EVENT_LOG,
      inject: [SERVER_RUNTIME],
      useFactory: (runtime: ServerRuntime) => SqliteEventLog.open<Revision>(join(runtime.dataDir, EVENT_LOG_FILE)),
    },
    {
      provide: TRUST_ANCHORS,
      inject: [SERVER_RUNTIME],
      useFactory: (runtime: ServerRuntime) => new TrustAnchors(runtime.setup.trustAnchors),
    },
    {
      provide: DIRECTORY_STORE,
      inject: [SERVER_RUNTIME, EVENT_LOG, TRUST_ANCHORS],
      useFactory: (runtime: ServerRuntime, log: SqliteEventLog<Revision>, anchors: TrustAnchors) => {
        const store = new DirectoryStore({
          server: runtime.setup.server,
          log,
          replicas: runtime.setup.replicas.map(({ replicaId, path, title }) => ({ replicaId, path, title })),
          check: createCertificateCheck(anchors),
        });
        const started = Date.now();
        const count = store.load();
        new Logger('Directory').log(`Rebuilt views from ${count} events in ${Date.now() - started} ms`);
        return store;
      },
    },
    EventLogLifecycle,
    DomainDirectoryService,
    InitialDocumentsService,
  ],
  exports: [EVENT_LOG, TRUST_ANCHORS, DIRECTORY_STORE, DomainDirectoryService],
})
export class DirectoryModule {}
