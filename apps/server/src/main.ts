import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';

import { abbreviate } from '@domsim/names';

import { AppModule } from './app.module';
import { environmentFromArguments } from './config/server-arguments';
import { natsConnectionOptions } from './config/nats-connection-options';
import { readServerEnvironment } from './config/server-config';
import { loadServerRuntime } from './config/server-runtime';
import { ConsoleOutputService, ConsoleTasks } from './console/console-output.service';
import { TolerantNatsDeserializer } from './console/tolerant-nats-deserializer';
import { ServerStatusService } from './status/server-status.service';

/**
 * Starts one simulated Domino server: its directory from the event log, replication and
 * the console over NATS, and HTTP on loopback unless configured otherwise.
 */
async function bootstrap(): Promise<void> {
  const runtime = loadServerRuntime(readServerEnvironment({ ...process.env, ...environmentFromArguments(process.argv.slice(2)) }));
  const app = await NestFactory.create(AppModule.forServer(runtime), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();

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
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`domsim server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
