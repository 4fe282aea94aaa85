import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import type { DirectoryStore } from '@domsim/directory';

import type { ServerRuntime } from '../config/server-runtime';
import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { SERVER_RUNTIME } from '../tokens';

const DAY_MS = 24 * 3600 * 1000;
const MAX_CHECK_INTERVAL_MS = 60_000;

/**
 * Purges deletion stubs older than a third of the replica cutoff interval
 * (DOMSIM_CUTOFF_DAYS, 90 days by default, so 30 days), checking a few times per interval.
 */
@Injectable()
export class StubPurgeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Replicator');
  private timer: NodeJS.Timeout | undefined;
  private readonly purgeAfterMs: number;

  constructor(
    @Inject(SERVER_RUNTIME) runtime: ServerRuntime,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
  ) {
    this.purgeAfterMs = (runtime.environment.DOMSIM_CUTOFF_DAYS * DAY_MS) / 3;
  }

  onApplicationBootstrap(): void {
    this.purge();
    this.timer = setInterval(() => this.purge(), Math.max(1_000, Math.min(MAX_CHECK_INTERVAL_MS, this.purgeAfterMs / 4)));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  purge(): number {
    const purged = this.store.purgeStubs(Date.now() - this.purgeAfterMs);
    if (purged > 0) this.logger.log(`Purged ${purged} deletion stubs older than ${Math.round(this.purgeAfterMs / 1000)} s`);
    return purged;
  }
}
