import { Inject, Injectable } from '@nestjs/common';

import type { ServerRuntime } from '../config/server-runtime';
import { SERVER_RUNTIME } from '../tokens';

/** Live facts about this server for `show server`, `show tasks` and health checks. */
@Injectable()
export class ServerStatusService {
  httpAddress: string | undefined;
  private transactions = 0;

  constructor(@Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime) {}

  countTransaction(): void {
    this.transactions += 1;
  }

  transactionCount(): number {
    return this.transactions;
  }

  elapsedMs(): number {
    return Date.now() - this.runtime.startedAt.getTime();
  }
}
