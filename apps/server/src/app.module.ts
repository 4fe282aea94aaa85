import { join } from 'node:path';

import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';

import type { DataDirectoryLock } from './config/data-directory-lock';
import { DATA_DIRECTORY_LOCK, DataDirectoryLockRelease } from './config/data-directory-lock.provider';
import type { ServerRuntime } from './config/server-runtime';
import { AdminAuthService } from './console/admin-auth.service';
import { ConsoleHttpController } from './console/console-http.controller';
import { ConsoleKeyService } from './console/console-key.service';
import { ConsoleOutputService } from './console/console-output.service';
import { ConsoleService } from './console/console.service';
import { natsControllersFor } from './console/nats-controllers';
import { DirectoryModule } from './directory/directory.module';
import { EventLogCheckService } from './directory/event-log-check.service';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { ReadinessIndicators } from './health/readiness.indicators';
import { IdFileRepository } from './id-vault/id-file.repository';
import { IdVaultService } from './id-vault/id-vault.service';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { NatsModule } from './nats/nats.module';
import { FaultService } from './replication/fault.service';
import { ReplicationCommandsService } from './replication/replication-commands.service';
import { ReplicationService } from './replication/replication.service';
import { StubPurgeService } from './replication/stub-purge.service';
import { WorkloadService } from './replication/workload.service';
import { ServerControlService } from './status/server-control.service';
import { ServerStatusService } from './status/server-status.service';
import { StatisticsService } from './status/statistics.service';
import { SERVER_RUNTIME } from './tokens';
import { ViewsController } from './views/views.controller';
import { ViewsService } from './views/views.service';
import { WebLoginModule } from './web-login/web-login.module';

/** Structured log file in the data directory; the console lines go to standard output. */
export const SERVER_LOG_FILE = 'domsim-server.log';

/** Paths pino blanks in every log entry, whatever logs them. */
const REDACTED_PATHS = ['password', '*.password', 'secret', '*.secret', 'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'];

@Module({})
export class AppModule {
  static forServer(runtime: ServerRuntime, lock: DataDirectoryLock): DynamicModule {
    const destination = pino.destination({ dest: join(runtime.dataDir, SERVER_LOG_FILE), mkdir: true, sync: false });
    return {
      module: AppModule,
      imports: [
        { module: RuntimeModule, global: true, providers: [{ provide: SERVER_RUNTIME, useValue: runtime }], exports: [SERVER_RUNTIME] },
        LoggerModule.forRoot({
          pinoHttp: [
            {
              level: runtime.environment.DOMSIM_LOG_LEVEL,
              base: { server: runtime.setup.server, domain: runtime.setup.domain, pid: process.pid },
              redact: { paths: REDACTED_PATHS, censor: '********' },
              // NOTE: request bodies are never logged, so form posts cannot leak a password.
              serializers: { req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }) },
            },
            destination,
          ],
        }),
        NatsModule,
        DirectoryModule,
        WebLoginModule,
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
      ],
      controllers: [...natsControllersFor(runtime.subjects, runtime.setup.server), HealthController, ViewsController, ConsoleHttpController, MetricsController],
      providers: [
        { provide: DATA_DIRECTORY_LOCK, useValue: lock },
        DataDirectoryLockRelease,
        EventLogCheckService,
        ServerControlService,
        AdminAuthService,
        ConsoleKeyService,
        ConsoleOutputService,
        ConsoleService,
        ServerStatusService,
        IdFileRepository,
        IdVaultService,
        FaultService,
        ReplicationService,
        ReplicationCommandsService,
        StubPurgeService,
        WorkloadService,
        HealthService,
        ViewsService,
        StatisticsService,
        ReadinessIndicators,
        MetricsService,
      ],
    };
  }
}

@Module({})
class RuntimeModule {}
