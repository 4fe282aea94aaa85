import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection, Subscription } from 'nats';
import { z } from 'zod';

import { abbreviate, canonicalize, InvalidNameError, nameKey } from '@domsim/names';

import type { ServerRuntime } from '../config/server-runtime';
import { CommandFailure } from '../console/command-failure';
import { DomainDirectoryService } from '../directory/domain-directory.service';
import { NATS_CONNECTION, SERVER_RUNTIME } from '../tokens';

const controlSchema = z.strictObject({ v: z.literal(1), action: z.enum(['stop', 'kill']), from: z.string().max(256) });

/**
 * `sim server stop|kill SERVER` from any console: the named server shuts down cleanly or
 * ends at once, as after `kill -9`. Starting it again is for the process's owner: the CLI
 * (`domsim server start`) or the test harness.
 */
@Injectable()
export class ServerControlService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ServerControl');
  private subscription: Subscription | undefined;

  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    private readonly directory: DomainDirectoryService,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.connection.subscribe(this.subject(this.runtime.setup.server), {
      callback: (error, msg) => {
        if (error !== null) return;
        let request: z.infer<typeof controlSchema>;
        try {
          request = controlSchema.parse(JSON.parse(new TextDecoder().decode(msg.data)));
        } catch {
          this.logger.warn('Ignored an invalid server control message');
          return;
        }
        msg.respond('{"ok":true}');
        this.logger.warn(`Asked to ${request.action} by ${request.from}`);
        setTimeout(() => this.act(request.action), 50);
      },
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  async control(action: 'stop' | 'kill', server: string): Promise<string[]> {
    let target: string;
    try {
      target = canonicalize(server);
    } catch (error) {
      if (error instanceof InvalidNameError) throw new CommandFailure('INVALID_SERVER_NAME', [`Server name ${server} is not valid: ${error.reason}`]);
      throw error;
    }
    const known = this.directory.serverNames().find((name) => nameKey(name) === nameKey(target));
    if (known === undefined) throw new CommandFailure('UNKNOWN_SERVER', [`Server ${server} is not in the directory; its servers are ${this.directory.serverNames().map((name) => abbreviate(name)).join(', ')}`]);

    try {
      await this.connection.request(this.subject(known), JSON.stringify({ v: 1, action, from: this.runtime.setup.server }), { timeout: 2_000 });
    } catch (error) {
      throw new CommandFailure('SERVER_UNREACHABLE', [`Server ${abbreviate(known)} did not answer (${(error as Error).message}); it may be down already`]);
    }
    return [action === 'kill' ? `Server ${abbreviate(known)} is crashing (SIGKILL)` : `Server ${abbreviate(known)} is shutting down`];
  }

  private subject(server: string): string {
    return this.runtime.subjects.control(server);
  }

  private act(action: 'stop' | 'kill'): void {
    this.runtime.requestExit(action);
  }
}
