import type { Msg, NatsConnection, Subscription } from 'nats';

import { type DirectoryStore, type ReceiveResult, type Revision, revisionSchema } from '@domsim/directory';
import type { VersionVector } from '@domsim/event-log';
import { nameKey } from '@domsim/names';

import { RateLimitedWarnings, type ReplicationLogger } from './logger';
import {
  decodeMessage,
  encodeMessage,
  type PullReply,
  pullReplySchema,
  type PullRequest,
  pullRequestSchema,
  type PushMessage,
  pushMessageSchema,
  type VectorMessage,
  vectorMessageSchema,
} from './messages';
import { type Delivery, type ReplicationStatistics, ReplicationCounters } from './replication-stats';
import type { DomainSubjects } from './subjects';

export interface ReplicatorOptions {
  readonly connection: NatsConnection;
  readonly store: DirectoryStore;
  readonly subjects: DomainSubjects;
  /** Canonical name of this server. */
  readonly server: string;
  /** Servers that host a replica, as far as this server knows; it pulls from them. */
  readonly peersFor: (replicaId: string) => readonly string[];
  /** Whether a server may pull a replica from this one; the vault database goes only to vault servers. */
  readonly mayReplicate?: (replicaId: string, peer: string) => boolean;
  readonly logger: ReplicationLogger;
  readonly heartbeatMs?: number;
  readonly pageSize?: number;
  readonly requestTimeoutMs?: number;
}

/** Counts of what one pull session transferred. */
export interface PullOutcome {
  readonly peer: string;
  readonly replicaId: string;
  readonly received: number;
  readonly pages: number;
}

/** Per-partner replication history: when this server last pulled from or pushed to it. */
export interface PartnerHistory {
  lastPullAt?: number;
  lastPushAt?: number;
  revisionsReceived: number;
  revisionsSent: number;
  failures: number;
}

export interface ReplicatorStats extends ReplicationStatistics {
  readonly partners: Readonly<Record<string, PartnerHistory>>;
}

const DEFAULT_HEARTBEAT_MS = 2_000;
const DEFAULT_PAGE_SIZE = 2_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** Pushes and pages stay well below NATS's default 1 MB max_payload. */
const MAX_MESSAGE_BYTES = 512 * 1024;

/**
 * Replicates the databases one server hosts over NATS. New local revisions are pushed to
 * every server hosting the replica as soon as they are saved; a server that sees a gap in
 * an originator's counters, that starts, or whose peer's version vector stays ahead pulls
 * what it lacks from that peer, in pages. What arrives is stored durably before it counts.
 */
export class Replicator {
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Map<string, Promise<PullOutcome>>();
  private readonly again = new Set<string>();
  private readonly lastVectors = new Map<string, VersionVector>();
  private readonly partners = new Map<string, PartnerHistory>();
  private readonly warnings: RateLimitedWarnings;
  private heartbeat: NodeJS.Timeout | undefined;
  private unsubscribeStore: (() => void) | undefined;
  private stopped = false;
  private readonly counters = new ReplicationCounters();

  constructor(private readonly options: ReplicatorOptions) {
    this.warnings = new RateLimitedWarnings(options.logger);
  }

  /** Subscribes, starts the heartbeat and pulls once from every known peer. */
  async start(): Promise<void> {
    const { connection, subjects, store, server } = this.options;
    this.subscriptions.push(connection.subscribe(subjects.pull(server), { callback: (error, msg) => !error && this.answerPull(msg) }));
    for (const replica of store.replicas()) {
      this.subscriptions.push(connection.subscribe(subjects.push(replica.replicaId), { callback: (error, msg) => !error && this.onPush(msg) }));
      this.subscriptions.push(connection.subscribe(subjects.vector(replica.replicaId), { callback: (error, msg) => !error && this.onVector(msg) }));
    }
    this.unsubscribeStore = store.onApplied((replica, revisions, source) => {
      if (source === 'local') this.publishRevisions(replica.replicaId, revisions);
    });
    await connection.flush();

    this.heartbeat = setInterval(() => this.publishVectors(), this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.heartbeat.unref();
    await this.pullFromAllPeers();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.unsubscribeStore?.();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions.length = 0;
    await Promise.allSettled(this.inFlight.values());
  }

  /** Pulls every replica from every peer that hosts it. */
  async pullFromAllPeers(): Promise<PullOutcome[]> {
    const sessions = this.options.store
      .replicas()
      .flatMap((replica) => this.peersOf(replica.replicaId).map((peer) => this.pull(peer, replica.replicaId)));
    const results = await Promise.allSettled(sessions);
    return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  }

  /**
   * Pulls what this server lacks of a replica from one peer. Concurrent calls for the same
   * peer and replica share one session, and one more runs after it if asked for meanwhile.
   */
  pull(peer: string, replicaId: string): Promise<PullOutcome> {
    const key = `${nameKey(peer)}|${replicaId}`;
    const running = this.inFlight.get(key);
    if (running !== undefined) {
      this.again.add(key);
      return running;
    }
    const session = this.runPull(peer, replicaId).finally(() => {
      this.inFlight.delete(key);
      if (this.again.delete(key) && !this.stopped) void this.pull(peer, replicaId).catch(() => undefined);
    });
    this.inFlight.set(key, session);
    return session;
  }

  stats(): ReplicatorStats {
    return { ...this.counters.snapshot(this.inFlight.size), partners: Object.fromEntries(this.partners) };
  }

  private async runPull(peer: string, replicaId: string): Promise<PullOutcome> {
    const { connection, subjects, store, server } = this.options;
    const history = this.partner(peer);
    let received = 0;
    let pages = 0;

    for (;;) {
      const request: PullRequest = { v: 1, from: server, replicaId, vector: store.versionVector(replicaId), limit: this.options.pageSize ?? DEFAULT_PAGE_SIZE };
      let reply: Msg;
      try {
        reply = await connection.request(subjects.pull(peer), encodeMessage(request), { timeout: this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS });
      } catch (error) {
        history.failures += 1;
        this.counters.recordPullSession(false);
        this.options.logger.debug(`Pull of ${replicaId} from ${peer} failed: ${(error as Error).message}`);
        throw error;
      }
      const decoded = decodeMessage(reply.data, pullReplySchema);
      if (!decoded.ok) {
        history.failures += 1;
        this.counters.recordPullSession(false);
        this.rejectMessage('pull reply', peer, decoded.reason);
        throw new Error(`invalid pull reply from ${peer}: ${decoded.reason}`);
      }
      if ('error' in decoded.value) {
        history.failures += 1;
        this.counters.recordPullSession(false);
        throw new Error(`${peer} refused the pull of ${replicaId}: ${decoded.value.error}`);
      }

      const result = this.receive(peer, replicaId, decoded.value.revisions, 'pull');
      received += result.applied.length;
      pages += 1;
      if (!decoded.value.more || this.stopped) break;
    }

    history.lastPullAt = Date.now();
    history.revisionsReceived += received;
    this.counters.recordPullSession(true);
    if (received > 0) this.options.logger.debug(`Pulled ${received} revisions of ${replicaId} from ${peer} in ${pages} pages`);
    return { peer, replicaId, received, pages };
  }

  private answerPull(msg: Msg): void {
    const decoded = decodeMessage(msg.data, pullRequestSchema);
    if (!decoded.ok) {
      this.rejectMessage('pull request', 'unknown sender', decoded.reason);
      msg.respond(encodeMessage({ v: 1, error: `invalid pull request: ${decoded.reason}` } satisfies PullReply));
      return;
    }
    const request = decoded.value;
    const replica = this.options.store.findReplica(request.replicaId);
    if (replica === undefined) {
      msg.respond(encodeMessage({ v: 1, error: `${this.options.server} hosts no replica ${request.replicaId}` } satisfies PullReply));
      return;
    }
    if (this.options.mayReplicate !== undefined && !this.options.mayReplicate(request.replicaId, request.from)) {
      msg.respond(encodeMessage({ v: 1, error: `${request.from} may not replicate ${replica.info.path} from ${this.options.server}` } satisfies PullReply));
      return;
    }

    const { revisions, more } = this.revisionsMissingFrom(request.replicaId, request.vector, request.limit);
    msg.respond(encodeMessage({ v: 1, revisions, more } satisfies PullReply));
    const history = this.partner(request.from);
    history.lastPushAt = Date.now();
    history.revisionsSent += revisions.length;
  }

  /**
   * Revisions this server holds that a vector lacks, at most `limit` and about
   * MAX_MESSAGE_BYTES. `more` is set whenever a limit cut the page short, even if
   * nothing turns out to be left.
   */
  private revisionsMissingFrom(replicaId: string, theirs: VersionVector, limit: number): { revisions: Revision[]; more: boolean } {
    const mine = this.options.store.versionVector(replicaId);
    const revisions: Revision[] = [];
    let bytes = 0;
    for (const [originator, held] of Object.entries(mine)) {
      let after = theirs[originator] ?? 0;
      while (after < held) {
        if (revisions.length >= limit || bytes >= MAX_MESSAGE_BYTES) return { revisions, more: true };
        const batch = this.options.store.revisionsAfter(replicaId, originator, after, Math.min(limit - revisions.length, 500));
        if (batch.length === 0) break;
        for (const revision of batch) {
          bytes += JSON.stringify(revision).length;
          revisions.push(revision);
        }
        after = batch[batch.length - 1].counter;
      }
    }
    return { revisions, more: false };
  }

  private onPush(msg: Msg): void {
    const decoded = decodeMessage(msg.data, pushMessageSchema);
    if (!decoded.ok) {
      this.rejectMessage('push', 'unknown sender', decoded.reason);
      return;
    }
    const push = decoded.value;
    if (nameKey(push.from) === nameKey(this.options.server)) return;
    const result = this.receive(push.from, push.replicaId, push.revisions, 'push');
    if (result.gaps.length > 0) void this.pull(push.from, push.replicaId).catch(() => undefined);
  }

  private onVector(msg: Msg): void {
    const decoded = decodeMessage(msg.data, vectorMessageSchema);
    if (!decoded.ok) {
      this.rejectMessage('version vector', 'unknown sender', decoded.reason);
      return;
    }
    const { from, replicaId, vector } = decoded.value;
    if (nameKey(from) === nameKey(this.options.server) || this.options.store.findReplica(replicaId) === undefined) return;

    // A peer that was ahead at its previous heartbeat and still is, is ahead by something
    // this server missed, not by something still on its way. The first heartbeat heard
    // from a peer is compared at once: that peer may have been down when this server
    // pulled at start.
    const key = `${nameKey(from)}|${replicaId}`;
    const previous = this.lastVectors.get(key);
    this.lastVectors.set(key, vector);
    if (isAhead(previous ?? vector, this.options.store.versionVector(replicaId))) {
      void this.pull(from, replicaId).catch(() => undefined);
    }
  }

  private receive(from: string, replicaId: string, raw: readonly unknown[], delivery: Delivery): ReceiveResult {
    const revisions: Revision[] = [];
    for (const candidate of raw) {
      const parsed = revisionSchema.safeParse(candidate);
      if (!parsed.success) {
        this.counters.revisionsRejected += 1;
        this.warnings.warn('invalid revision', `Rejected an invalid revision from ${from}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
        continue;
      }
      if (parsed.data.replicaId !== replicaId) {
        this.counters.revisionsRejected += 1;
        this.warnings.warn('replica mismatch', `Rejected a revision of replica ${parsed.data.replicaId} sent from ${from} as part of ${replicaId}`);
        continue;
      }
      revisions.push(parsed.data as Revision);
    }

    const result = this.options.store.receive(revisions);
    this.counters.recordApplied(result.applied, delivery);
    this.counters.revisionsRejected += result.rejected.length;
    if (delivery === 'push' && result.rejected.length > 0) this.counters.recordPushFailure();
    for (const { revision, reason } of result.rejected) {
      this.warnings.warn(`rejected:${reason.split(' ')[0]}`, `Rejected revision ${revision.originator}#${revision.counter} of note ${revision.unid} from ${from}: ${reason}`);
    }
    return result;
  }

  private publishRevisions(replicaId: string, revisions: readonly Revision[]): void {
    const { connection, subjects, server } = this.options;
    let chunk: Revision[] = [];
    let bytes = 0;
    const flush = () => {
      if (chunk.length === 0) return;
      connection.publish(subjects.push(replicaId), encodeMessage({ v: 1, from: server, replicaId, revisions: chunk } satisfies PushMessage));
      this.counters.revisionsPushed += chunk.length;
      chunk = [];
      bytes = 0;
    };
    for (const revision of revisions) {
      const size = JSON.stringify(revision).length;
      if (bytes + size > MAX_MESSAGE_BYTES) flush();
      chunk.push(revision);
      bytes += size;
    }
    flush();
  }

  private publishVectors(): void {
    if (this.stopped || this.options.connection.isClosed()) return;
    const { connection, subjects, store, server } = this.options;
    for (const replica of store.replicas()) {
      const message: VectorMessage = { v: 1, from: server, replicaId: replica.replicaId, vector: store.versionVector(replica.replicaId) };
      connection.publish(subjects.vector(replica.replicaId), encodeMessage(message));
    }
  }

  private peersOf(replicaId: string): string[] {
    const self = nameKey(this.options.server);
    const seen = new Set<string>();
    return this.options.peersFor(replicaId).filter((peer) => {
      const key = nameKey(peer);
      if (key === self || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private partner(peer: string): PartnerHistory {
    const key = nameKey(peer);
    let history = this.partners.get(key);
    if (history === undefined) {
      history = { revisionsReceived: 0, revisionsSent: 0, failures: 0 };
      this.partners.set(key, history);
    }
    return history;
  }

  private rejectMessage(kind: string, from: string, reason: string): void {
    this.counters.messagesRejected += 1;
    this.warnings.warn(`message:${kind}`, `Rejected a ${kind} message from ${from}: ${reason}`);
  }
}

/** True when `theirs` holds a revision that `mine` lacks. */
export function isAhead(theirs: VersionVector, mine: VersionVector): boolean {
  return Object.entries(theirs).some(([originator, counter]) => counter > (mine[originator] ?? 0));
}
