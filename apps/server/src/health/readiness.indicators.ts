import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from 'nats';

import type { DirectoryStore } from '@domsim/directory';

import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { NATS_CONNECTION } from '../tokens';

/** How long a NATS round trip may take before the server counts as not ready. */
const NATS_FLUSH_TIMEOUT_MS = 1_000;

/** The checks behind GET /health/ready: the server can replicate and serve its directory. */
@Injectable()
export class ReadinessIndicators {
  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** Up when a round trip to the NATS server completes; down while disconnected or reconnecting. */
  async nats(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('nats');
    const server = this.connection.getServer();
    if (this.connection.isClosed()) return check.down({ message: `the connection to NATS ${server} is closed` });

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), NATS_FLUSH_TIMEOUT_MS);
    });
    try {
      const outcome = await Promise.race([this.connection.flush().then(() => 'flushed' as const), timeout]);
      if (outcome === 'timeout') return check.down({ server, message: `no round trip to NATS ${server} within ${NATS_FLUSH_TIMEOUT_MS} ms` });
      return check.up({ server });
    } catch (error) {
      return check.down({ server, message: `NATS ${server}: ${(error as Error).message}` });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Up once the directory store has rebuilt its replicas from the event log. */
  directory(): HealthIndicatorResult {
    const check = this.indicators.check('directory');
    const replicas = this.store.replicas().map((replica) => replica.info.path);
    return replicas.length > 0 ? check.up({ replicas }) : check.down({ message: 'no replica is loaded yet' });
  }
}
