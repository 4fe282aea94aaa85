import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';

import { natsConnectionOptions } from '../config/nats-connection-options';
import type { ServerRuntime } from '../config/server-runtime';
import { NATS_CONNECTION, SERVER_RUNTIME } from '../tokens';

@Injectable()
class NatsLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('NATS');

  constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {
    void this.watch();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.connection.isClosed()) await this.connection.drain();
  }

  private async watch(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect') this.logger.log(`NATS ${status.type} (${String(status.data)})`);
    }
  }
}

/** The server's own NATS connection for replication and notices; it reconnects for ever. */
@Global()
@Module({
  providers: [
    {
      provide: NATS_CONNECTION,
      inject: [SERVER_RUNTIME],
      useFactory: (runtime: ServerRuntime): Promise<NatsConnection> =>
        connect({
          ...natsConnectionOptions(runtime.environment),
          name: `domsim ${runtime.setup.server}`,
          // NOTE: the first URL is this server's own node; the others are tried in order on failover.
          noRandomize: true,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
          pingInterval: 10_000,
        }),
    },
    NatsLifecycle,
  ],
  exports: [NATS_CONNECTION],
})
export class NatsModule {}
