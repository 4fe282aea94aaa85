import 'reflect-metadata';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';

import { abbreviate } from '@domsim/names';

import { AppModule } from './app.module';
import { type DataDirectoryLock, lockDataDirectory } from './config/data-directory-lock';
import { natsConnectionOptions } from './config/nats-connection-options';
import type { ServerEnvironment } from './config/server-config';
import { loadServerRuntime, OWN_PROCESS, type ServerHosting, type ServerRuntime } from './config/server-runtime';
import { ConsoleOutputService, ConsoleTasks } from './console/console-output.service';
import { TolerantNatsDeserializer } from './console/tolerant-nats-deserializer';
import { installHttpGuards } from './http/http-guards';
import { ServerStatusService } from './status/server-status.service';

/** A server running in this process. */
export interface StartedServer {
  readonly name: string;
  readonly app: INestApplication;
  close(): Promise<void>;
}

/**
 * Starts one simulated Domino server: its directory from the event log, replication and the
 * console over NATS, and HTTP on loopback unless configured otherwise. A server that has the
 * process to itself also stops on SIGTERM and SIGINT and logs through pino; servers sharing a
 * process leave signals to their host and log only warnings and errors.
 */
export async function startServer(environment: ServerEnvironment, hosting: ServerHosting = OWN_PROCESS): Promise<StartedServer> {
  const runtime = loadServerRuntime(environment, hosting);
  // Taken before the event log opens, so two processes never append to one log.
  const lock = lockDataDirectory(runtime.dataDir);
  try {
    const app = await startApplication(runtime, hosting, lock);
    return {
      name: runtime.setup.server,
      app,
      close: async () => {
        try {
          await app.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startApplication(runtime: ServerRuntime, hosting: ServerHosting, lock: DataDirectoryLock): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forServer(runtime, lock), {
    ...(hosting.inProcess ? { logger: ['error', 'warn'] } : { bufferLogs: true }),
    abortOnError: false,
    // installHttpGuards parses bodies itself, with per-route limits and clear errors.
    bodyParser: false,
  });
  // NOTE: Nest's logger is process-wide, so servers sharing a process do not each take it over;
  // their pino files then hold only HTTP request logs.
  if (!hosting.inProcess) {
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks();
  }

  installHttpGuards(app, abbreviate(runtime.setup.server));
  await app.init();
  app.connectMicroservice<MicroserviceOptions>(
    {
      transport: Transport.NATS,
      options: {
        ...natsConnectionOptions(runtime.environment),
        name: `domsim ${runtime.setup.server} console`,
        noRandomize: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        deserializer: new TolerantNatsDeserializer(),
      },
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();

  const output = app.get(ConsoleOutputService);
  const status = app.get(ServerStatusService);
  output.print(['Database Server started'], ConsoleTasks.Server);
  if (runtime.setup.http.enabled) {
    const port = runtime.environment.DOMSIM_HTTP_PORT ?? runtime.setup.http.port;
    await app.listen(port, runtime.environment.DOMSIM_HTTP_HOST);
    const address = app.getHttpServer().address() as { address: string; port: number };
    status.httpAddress = `${address.address}:${address.port}`;
    output.print([`HTTP Server: Started (listening on ${status.httpAddress})`], ConsoleTasks.Http);
  }
  output.print([`Server ${abbreviate(runtime.setup.server)} started in domain ${runtime.setup.domain} (pid ${process.pid})`], ConsoleTasks.Server);
  return app;
}
