import { randomInt } from 'node:crypto';

import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection, Subscription } from 'nats';
import { z } from 'zod';

import { abbreviate, canonicalize, InvalidNameError } from '@domsim/names';
import { ANY_SERVER, FaultTable, formatLinkFault, InvalidFaultError, type LinkFault, type LinkFaultEntry, LinkGate, parseLinkFault, seededRandom } from '@domsim/replication';

import type { ServerRuntime } from '../config/server-runtime';
import { CommandFailure } from '../console/command-failure';
import { DomainDirectoryService } from '../directory/domain-directory.service';
import { NATS_CONNECTION, SERVER_RUNTIME } from '../tokens';

const linkFaultSchema = z.strictObject({
  partition: z.boolean().optional(),
  latencyMs: z.number().min(0).max(600_000).optional(),
  jitterMs: z.number().min(0).max(600_000).optional(),
  drop: z.number().min(0).max(1).optional(),
  duplicate: z.number().min(0).max(1).optional(),
  reorder: z.number().min(0).max(1).optional(),
});

const snapshotSchema = z.strictObject({
  v: z.literal(1),
  version: z.number().int().nonnegative(),
  entries: z.array(z.strictObject({ from: z.string().min(1).max(256), to: z.string().min(1).max(256), fault: linkFaultSchema })).max(10_000),
});

type Snapshot = z.infer<typeof snapshotSchema>;

const REPUBLISH_MS = 2_000;

/**
 * The domain's link faults. Every server holds the whole table, applies the links that end
 * at itself, and shares changes over NATS, so a fault set at any console (or by the CLI or
 * the test harness) takes effect everywhere. The random source is seeded from
 * DOMSIM_FAULT_SEED when set, so a run can be replayed.
 */
@Injectable()
export class FaultService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly table = new FaultTable();
  readonly gate: LinkGate;
  readonly seed: number;
  private readonly logger = new Logger('Faults');
  private readonly subscriptions: Subscription[] = [];
  private republisher: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    private readonly directory: DomainDirectoryService,
  ) {
    this.seed = runtime.environment.DOMSIM_FAULT_SEED ?? randomInt(2 ** 31);
    this.gate = new LinkGate(this.table, runtime.setup.server, seededRandom(this.seed));
  }

  async onApplicationBootstrap(): Promise<void> {
    const { subjects } = this.runtime;
    this.subscriptions.push(
      this.connection.subscribe(subjects.faults(), { callback: (error, msg) => error === null && this.applySnapshot(msg.data) }),
      this.connection.subscribe(subjects.faultsRequest(), {
        callback: (error, msg) => {
          if (error === null && this.table.version > 0) msg.respond(JSON.stringify(this.snapshot()));
        },
      }),
    );
    await this.fetchTable();
    void this.refetchOnReconnect();
    // Servers that were reconnecting when a change was published would never see it; the
    // table is published again now and then, and the newest version wins everywhere.
    this.republisher = setInterval(() => {
      if (this.table.version > 0 && !this.connection.isClosed()) this.publish();
    }, REPUBLISH_MS);
    this.republisher.unref();
  }

  /** Asks the other servers for their fault table; none answers while no fault was ever set. */
  private async fetchTable(): Promise<void> {
    try {
      const reply = await this.connection.request(this.runtime.subjects.faultsRequest(), '', { timeout: 300 });
      this.applySnapshot(reply.data);
    } catch {
      // No server has a fault table yet.
    }
  }

  /** A change published while this server was disconnected is lost to it, so it asks again after a reconnect. */
  private async refetchOnReconnect(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === 'reconnect') await this.fetchTable();
    }
  }

  onModuleDestroy(): void {
    if (this.republisher !== undefined) clearInterval(this.republisher);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** `sim fault FROM TO FAULT...`: sets or clears the fault on one directed link. */
  setFault(from: string, to: string, words: string): string[] {
    const [source, target] = [this.resolve(from), this.resolve(to)];
    let fault: LinkFault | undefined;
    try {
      fault = parseLinkFault(words.split(/\s+/).filter((word) => word !== ''));
    } catch (error) {
      if (error instanceof InvalidFaultError) throw new CommandFailure(error.code, [`${error.message}`]);
      throw error;
    }
    this.table.set(source, target, fault, Date.now());
    this.publish();
    this.logger.log(`Link fault ${display(source)} -> ${display(target)} set to ${formatLinkFault(fault)} (fault seed ${this.seed})`);
    return [`Link ${display(source)} -> ${display(target)}: ${formatLinkFault(fault)}`];
  }

  /** `sim heal`: clears every link fault in the domain. */
  heal(): string[] {
    const count = this.table.all().length;
    this.table.clearAll(Date.now());
    this.publish();
    return [`Cleared ${count} link faults`];
  }

  showFaults(): string[] {
    const entries = this.table.all();
    if (entries.length === 0) return [`No link faults (fault seed ${this.seed})`];
    return [...entries.map((entry) => `${display(entry.from)} -> ${display(entry.to)}: ${formatLinkFault(entry.fault)}`), `Fault seed ${this.seed}; ${this.gate.droppedCount()} messages dropped into this server`];
  }

  private resolve(server: string): string {
    if (server === ANY_SERVER) return ANY_SERVER;
    let canonical: string;
    try {
      canonical = canonicalize(server);
    } catch (error) {
      if (error instanceof InvalidNameError) throw new CommandFailure('INVALID_SERVER_NAME', [`Server name ${server} is not valid: ${error.reason}`]);
      throw error;
    }
    const known = this.directory.serverNames();
    const match = known.find((name) => name.toLowerCase() === canonical.toLowerCase());
    if (match === undefined) throw new CommandFailure('UNKNOWN_SERVER', [`Server ${server} is not in the directory; its servers are ${known.map((name) => abbreviate(name)).join(', ')}`]);
    return match;
  }

  private snapshot(): Snapshot {
    return { v: 1, version: this.table.version, entries: this.table.all() as LinkFaultEntry[] };
  }

  private publish(): void {
    this.connection.publish(this.runtime.subjects.faults(), JSON.stringify(this.snapshot()));
  }

  private applySnapshot(data: Uint8Array): void {
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder().decode(data));
    } catch {
      this.logger.warn('Ignored a fault table message that is not JSON');
      return;
    }
    const parsed = snapshotSchema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn(`Ignored an invalid fault table message: ${parsed.error.issues[0].message}`);
      return;
    }
    if (this.table.replace(parsed.data.entries, parsed.data.version)) this.logger.log(`Link faults updated: ${parsed.data.entries.length} links`);
  }
}

function display(server: string): string {
  return server === ANY_SERVER ? ANY_SERVER : abbreviate(server);
}
