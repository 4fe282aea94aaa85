import { Events, type Subscription } from 'nats';

import type { DomainClient, HealthReply, ViewReply } from '@domsim/client';
import type { LinkFaultEntry } from '@domsim/replication';

import { buildDomainView, type DemoView, type DomainView, type KnownServer, type NatsState } from './domain-view';
import type { GraphConnection } from './graph-layout';
import { PropagationTracker } from './propagation';
import type { UiLogger } from './ui-logger';

export interface DomainFeedOptions {
  readonly domain: string;
  readonly servers: readonly KnownServer[];
  /** Enabled Connection documents from domain.json, shown for servers that have not responded to a health request. */
  readonly connections?: readonly GraphConnection[];
  /** How often each server's health is requested, in milliseconds; default 500. */
  readonly pollMs?: number;
  /** Minimum time between two updates sent to the page, in milliseconds; default 200. */
  readonly throttleMs?: number;
  readonly logger: UiLogger;
}

interface FaultSnapshot {
  readonly version: number;
  readonly entries: readonly LinkFaultEntry[];
}

const decoder = new TextDecoder();

/**
 * The live state of a running domain, fed from NATS: health replies polled from every
 * server, the Certificates view of names.nsf fetched again whenever a server's names.nsf
 * changes, notices of applied revisions, and the shared link fault table.
 */
export class DomainFeed {
  readonly tracker = new PropagationTracker();
  private readonly health = new Map<string, HealthReply | undefined>();
  private readonly lastReplies = new Map<string, HealthReply>();
  private readonly certificates = new Map<string, ViewReply>();
  private readonly namesDigests = new Map<string, string>();
  private readonly listeners = new Set<(view: DomainView) => void>();
  private readonly subscriptions: Array<() => void> = [];
  private faults: FaultSnapshot = { version: 0, entries: [] };
  private demo: DemoView = { running: false, lines: [] };
  private nats: NatsState = 'connected';
  private polling = false;
  private poller: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private lastEmit = 0;
  private stopped = false;

  constructor(
    private readonly client: DomainClient,
    private readonly options: DomainFeedOptions,
  ) {
    for (const server of options.servers) this.health.set(server.name, undefined);
  }

  async start(): Promise<void> {
    this.subscriptions.push(
      this.client.onApplied((notice) => {
        if (this.tracker.record(notice)) this.changed();
      }),
    );
    const faultSubscription: Subscription = this.client.connection.subscribe(this.client.subjects.faults(), {
      callback: (error, message) => {
        if (error === null) this.applyFaults(message.data);
      },
    });
    this.subscriptions.push(() => faultSubscription.unsubscribe());
    void this.watchConnection();
    await this.fetchFaults();
    await this.poll();
    this.poller = setInterval(() => void this.poll(), this.options.pollMs ?? 500);
  }

  stop(): void {
    this.stopped = true;
    if (this.poller !== undefined) clearInterval(this.poller);
    if (this.pending !== undefined) clearTimeout(this.pending);
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.listeners.clear();
  }

  /** Calls `listener` with the whole state after each change, at most once per throttle interval. */
  onChange(listener: (view: DomainView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  view(): DomainView {
    return buildDomainView({
      domain: this.options.domain,
      now: Date.now(),
      nats: this.nats,
      servers: this.options.servers,
      connections: this.options.connections,
      health: this.health,
      lastReplies: this.lastReplies,
      certificates: this.certificates,
      faults: this.faults.entries,
      tracker: this.tracker,
      demo: this.demo,
      timelineLength: 20,
      lagWindowMs: 5 * 60_000,
    });
  }

  /** Returns the last health reply of a server, or undefined while it does not respond. */
  healthOf(server: string): HealthReply | undefined {
    return this.health.get(server);
  }

  setDemo(demo: DemoView): void {
    this.demo = demo;
    this.changed();
  }

  /** Asks every server for its health now, rather than at the next poll. */
  async refresh(): Promise<void> {
    await this.poll();
  }

  /**
   * Follows the NATS connection: while it is down every server shows as unreachable, and
   * the view reports the outage; after a reconnect the fault table and health are read again.
   * Subscriptions need no renewal, because the NATS client sends them again on reconnect.
   */
  private async watchConnection(): Promise<void> {
    const connection = this.client.connection;
    void connection.closed().then((error) => this.connectionClosed(error));
    for await (const status of connection.status()) {
      if (this.stopped) return;
      if (status.type === Events.Disconnect && this.nats === 'connected') {
        this.nats = 'reconnecting';
        this.options.logger.warn(`Lost the connection to NATS at ${String(status.data)}; reconnecting until it returns`);
        this.forgetHealth();
      } else if (status.type === Events.Reconnect && this.nats === 'reconnecting') {
        this.nats = 'connected';
        this.options.logger.info(`Reconnected to NATS at ${String(status.data)}; reading the domain's state again`);
        this.changed();
        void this.fetchFaults().then(() => this.poll());
      }
    }
  }

  private connectionClosed(error: void | Error): void {
    if (this.stopped) return;
    this.nats = 'closed';
    const reason = error instanceof Error ? `: ${error.message}` : '';
    this.options.logger.error(`The connection to NATS closed${reason}; the view no longer updates, so restart domsim ui`);
    this.forgetHealth();
  }

  /** Marks every server as unreachable, because no request reaches it without NATS. */
  private forgetHealth(): void {
    for (const server of this.options.servers) this.health.set(server.name, undefined);
    this.changed();
  }

  private async poll(): Promise<void> {
    // A poll can take up to the request timeout, longer than the interval; one at a time is enough.
    if (this.polling || this.nats !== 'connected') return;
    this.polling = true;
    try {
      await this.pollOnce();
    } finally {
      this.polling = false;
    }
  }

  private async pollOnce(): Promise<void> {
    const replies = await Promise.all(this.options.servers.map((server) => this.client.health(server.name, 1_000).catch(() => undefined)));
    if (this.stopped || this.nats !== 'connected') return;
    let changed = false;
    for (const [index, server] of this.options.servers.entries()) {
      const reply = replies[index];
      const previous = this.health.get(server.name);
      if (JSON.stringify(summaryOf(previous)) !== JSON.stringify(summaryOf(reply))) changed = true;
      this.health.set(server.name, reply);
      if (reply !== undefined) this.lastReplies.set(server.name, reply);
      if (reply !== undefined) await this.refreshCertificates(server.name, reply);
    }
    if (changed) this.changed();
  }

  private async refreshCertificates(server: string, reply: HealthReply): Promise<void> {
    const names = reply.replicas.find((replica) => replica.path.toLowerCase() === 'names.nsf');
    if (names === undefined || this.namesDigests.get(server) === names.digest) return;
    try {
      const view = await this.client.view(server, 'names.nsf', 'Certificates', 2_000);
      this.certificates.set(server, view);
      this.namesDigests.set(server, names.digest);
      this.changed();
    } catch (error) {
      this.options.logger.warn(`Could not read the Certificates view of ${server}; retrying at the next poll: ${(error as Error).message}`);
    }
  }

  private async fetchFaults(): Promise<void> {
    try {
      const reply = await this.client.connection.request(this.client.subjects.faultsRequest(), '', { timeout: 500 });
      this.applyFaults(reply.data);
    } catch {
      // No server responds while no link fault was ever set.
    }
  }

  private applyFaults(data: Uint8Array): void {
    let snapshot: FaultSnapshot;
    try {
      snapshot = JSON.parse(decoder.decode(data)) as FaultSnapshot;
    } catch {
      this.options.logger.warn('Ignored a fault table message that is not JSON');
      return;
    }
    if (typeof snapshot.version !== 'number' || !Array.isArray(snapshot.entries) || snapshot.version <= this.faults.version) return;
    this.faults = { version: snapshot.version, entries: snapshot.entries };
    this.changed();
  }

  private changed(): void {
    if (this.stopped || this.pending !== undefined) return;
    const throttleMs = this.options.throttleMs ?? 200;
    const wait = Math.max(0, this.lastEmit + throttleMs - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.lastEmit = Date.now();
      const view = this.view();
      for (const listener of this.listeners) listener(view);
    }, wait);
  }
}

/** Picks the parts of a health reply the page shows, because uptime alone changes on every poll. */
function summaryOf(reply: HealthReply | undefined): unknown {
  if (reply === undefined) return undefined;
  return { http: reply.http, replicas: reply.replicas, activity: reply.replication.activity, cluster: reply.replication.cluster, schedule: reply.replication.schedule.map((entry) => [entry.destination, entry.type, entry.intervalSeconds]) };
}
