import type { Msg, NatsConnection, Subscription } from 'nats';

import { checkRevision, type DirectoryStore, type ReceiveResult, type Revision, sameDatabasePath } from '@domsim/directory';
import type { VersionVector } from '@domsim/event-log';
import { nameKey } from '@domsim/names';

import { FaultTable } from './faults/fault-table';
import { LinkGate } from './faults/link-gate';
import { RateLimitedWarnings, type ReplicationLogger } from './logger';
import { decodeMessage, encodeMessage, pushMessageSchema, type VectorMessage, vectorMessageSchema } from './messages';
import type { ReplicationDirectory } from './replication-directory';
import { type HistoryDirection, ReplicationHistory } from './replication-history';
import { type DatabaseResult, type JobResult, ReplicationJobQueue, type ReplicationJob } from './replication-jobs';
import { ReplicationResponder } from './replication-responder';
import { RetryOnContact } from './retry-on-contact';
import { askToPull, encodeWithRevisions, MAX_MESSAGE_BYTES, pullFrom, pushTo, SessionError, type SessionContext } from './replication-sessions';
import { type Delivery, ReplicationCounters, type ReplicationStatistics } from './replication-stats';
import type { SessionCounts } from './session-counts';
import type { DomainSubjects } from './subjects';

export interface ReplicatorOptions {
  readonly connection: NatsConnection;
  readonly store: DirectoryStore;
  readonly subjects: DomainSubjects;
  /** Canonical name of this server. */
  readonly server: string;
  readonly directory: ReplicationDirectory;
  readonly logger: ReplicationLogger;
  /** Replication history; in memory when not given. */
  readonly history?: ReplicationHistory;
  /** Receives the start and end of every replication job, for the console. */
  readonly onJob?: (event: JobEvent) => void;
  readonly heartbeatMs?: number;
  readonly pageSize?: number;
  readonly requestTimeoutMs?: number;
  /** Faults on the links into this server; none when not given. */
  readonly gate?: LinkGate;
  /** Selects the jobs that are repeated when a partner that did not respond is heard from again; default every job. */
  readonly retryOnContact?: (job: ReplicationJob) => boolean;
}

export type JobEvent = { readonly kind: 'started'; readonly job: ReplicationJob } | { readonly kind: 'finished'; readonly result: JobResult };

export interface ReplicatorStats extends ReplicationStatistics {
  readonly pushesQueued: number;
  readonly jobsQueued: number;
}

const DEFAULT_HEARTBEAT_MS = 2_000;
const DEFAULT_PAGE_SIZE = 2_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/**
 * Replicates the databases one server hosts over NATS, the way Domino does:
 *
 * - Cluster replication: a local save is queued in memory and pushed at once to the other
 *   servers of this server's cluster; a cluster mate that sees a gap in an originator's
 *   counters, or whose heartbeat shows it behind, pulls what it lacks.
 * - Replication jobs (Connection schedules and the replicate, pull and push commands) run one
 *   at a time and pull or push only what the partner's version vector lacks, in pages.
 *
 * Whatever arrives is stored durably before it counts or moves the replication history.
 */
export class Replicator {
  readonly history: ReplicationHistory;
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Map<string, Promise<SessionCounts>>();
  private readonly again = new Set<string>();
  private readonly lastVectors = new Map<string, VersionVector>();
  private readonly pushQueue = new Map<string, Revision[]>();
  private readonly warnings: RateLimitedWarnings;
  private readonly counters = new ReplicationCounters();
  private readonly jobs: ReplicationJobQueue;
  private readonly responder: ReplicationResponder;
  private readonly sessions: SessionContext;
  private heartbeat: NodeJS.Timeout | undefined;
  private unsubscribeStore: (() => void) | undefined;
  private flushScheduled = false;
  private stopped = false;
  private readonly gate: LinkGate;
  private readonly retries: RetryOnContact;

  constructor(private readonly options: ReplicatorOptions) {
    this.retries = new RetryOnContact(options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.warnings = new RateLimitedWarnings(options.logger);
    this.history = options.history ?? new ReplicationHistory();
    this.gate = options.gate ?? new LinkGate(new FaultTable(), options.server);
    this.sessions = {
      connection: options.connection,
      store: options.store,
      subjects: options.subjects,
      server: options.server,
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      receive: (from, replicaId, raw, delivery) => this.receive(from, replicaId, raw, delivery),
      isStopped: () => this.stopped,
      gate: this.gate,
    };
    this.jobs = new ReplicationJobQueue((job) => this.runJob(job));
    this.responder = new ReplicationResponder({
      store: options.store,
      server: options.server,
      directory: options.directory,
      receive: this.sessions.receive,
      pullFrom: (partner, replicaId) => this.pull(partner, replicaId),
      rejectMessage: (kind, reason) => this.rejectMessage(kind, 'unknown sender', reason),
      served: () => undefined,
      heardFrom: (partner) => this.heardFrom(partner),
      gate: this.gate,
    });
  }

  /** Subscribes, starts the heartbeat and starts catching up with the cluster (or copying empty replicas). */
  async start(): Promise<void> {
    const { connection, subjects, store, server } = this.options;
    const handle = (handler: (msg: Msg) => void) => ({ callback: (error: Error | null, msg: Msg) => error === null && this.safely(msg.subject, () => handler(msg)) });
    this.subscriptions.push(
      connection.subscribe(subjects.pull(server), handle((msg) => this.responder.answerPull(msg))),
      connection.subscribe(subjects.vectorOf(server), handle((msg) => this.responder.answerVector(msg))),
      connection.subscribe(subjects.accept(server), handle((msg) => this.responder.answerAccept(msg))),
      connection.subscribe(subjects.pullFromMe(server), handle((msg) => this.responder.answerPullFromMe(msg))),
    );
    for (const replica of store.replicas()) {
      this.subscriptions.push(connection.subscribe(subjects.push(replica.replicaId), handle((msg) => this.onPush(msg))));
      this.subscriptions.push(connection.subscribe(subjects.vector(replica.replicaId), handle((msg) => this.onVector(msg))));
    }
    this.unsubscribeStore = store.onApplied((replica, revisions, source) => {
      if (source === 'local') this.queuePush(replica.replicaId, revisions);
    });
    await connection.flush();

    this.heartbeat = setInterval(() => this.onHeartbeat(), this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.heartbeat.unref();
    // The server answers while it catches up, so `domsim status` can show the progress.
    void this.catchUp();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.jobs.close();
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.unsubscribeStore?.();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions.length = 0;
    await Promise.allSettled(this.inFlight.values());
  }

  /** Queues a replication job and resolves when it has run. */
  replicate(job: ReplicationJob): Promise<JobResult> {
    return this.jobs.enqueue(job);
  }

  isQueued(partner: string, origin: string): boolean {
    return this.jobs.isQueued(partner, origin) || (this.jobs.current()?.origin === origin && nameKey(this.jobs.current()?.partner ?? '') === nameKey(partner));
  }

  /** Describes what the Replicator task is doing, for `show tasks`. */
  activity(): string {
    const job = this.jobs.current();
    if (job === undefined) return 'Idle';
    const what = job.databases.length === 0 ? 'all databases' : job.databases.join(', ');
    const waiting = this.jobs.pendingCount() > 0 ? ` (${this.jobs.pendingCount()} waiting)` : '';
    return `Replicating ${what} with ${job.partner} (${job.mode})${waiting}`;
  }

  stats(): ReplicatorStats {
    const pushesQueued = [...this.pushQueue.values()].reduce((total, list) => total + list.length, 0);
    return { ...this.counters.snapshot(this.inFlight.size), pushesQueued, jobsQueued: this.jobs.pendingCount() + (this.jobs.current() === undefined ? 0 : 1) };
  }

  /**
   * Pulls what this server lacks of a replica from one peer, outside the job queue (cluster
   * catch-up and pull-pull requests). Concurrent calls for the same peer and replica share
   * one session, and one more runs after it if asked for meanwhile.
   */
  pull(peer: string, replicaId: string): Promise<SessionCounts> {
    const key = `${nameKey(peer)}|${replicaId}`;
    const running = this.inFlight.get(key);
    if (running !== undefined) {
      this.again.add(key);
      return running;
    }
    const session = this.pullAndRecord(peer, replicaId).finally(() => {
      this.inFlight.delete(key);
      if (this.again.delete(key) && !this.stopped) void this.pull(peer, replicaId).catch(() => undefined);
    });
    this.inFlight.set(key, session);
    return session;
  }

  private async pullAndRecord(peer: string, replicaId: string): Promise<SessionCounts> {
    try {
      const { counts } = await pullFrom(this.sessions, peer, replicaId);
      this.counters.recordPullSession(true);
      this.history.recordSuccess(replicaId, peer, 'pull', counts);
      this.retries.pullSucceeded(peer, replicaId);
      return counts;
    } catch (error) {
      this.counters.recordPullSession(false);
      if (error instanceof SessionError && error.unreachable) this.retries.pullFailed(peer, replicaId);
      this.history.recordFailure(replicaId, peer, 'pull', (error as Error).message);
      this.options.logger.debug(`Pull of ${replicaId} from ${peer} failed: ${(error as Error).message}`);
      throw error;
    }
  }

  /**
   * Pulls each replica from its peers one after another: the first usually brings everything,
   * and the others then send only what it lacked, instead of every peer sending it all at once.
   */
  private async catchUp(): Promise<void> {
    await Promise.allSettled(
      this.options.store.replicas().map(async (replica) => {
        for (const peer of this.catchUpPeers(replica.replicaId)) {
          if (this.stopped) return;
          await this.pull(peer, replica.replicaId).catch(() => undefined);
        }
      }),
    );
  }

  /** Cluster mates that host the replica, plus the setup sources while the replica is still empty. */
  private catchUpPeers(replicaId: string): string[] {
    const { directory, store, server } = this.options;
    // An empty replica is copied from the servers it was set up from, as a new Domino server
    // copies names.nsf; its cluster mates are likely new and empty too.
    const empty = Object.keys(store.versionVector(replicaId)).length === 0;
    const hosts = new Set(directory.peersFor(replicaId).map((peer) => nameKey(peer)));
    const peers = empty ? [...directory.setupSources(replicaId)] : directory.clusterMates().filter((mate) => hosts.has(nameKey(mate)));
    const self = nameKey(server);
    return [...new Map(peers.filter((peer) => nameKey(peer) !== self).map((peer) => [nameKey(peer), peer])).values()];
  }

  private async runJob(job: ReplicationJob): Promise<JobResult> {
    const startedAt = Date.now();
    const replicas = this.resolveDatabases(job);
    if (typeof replicas === 'string') return { job, startedAt, finishedAt: Date.now(), databases: [], error: replicas };

    this.options.onJob?.({ kind: 'started', job });
    const databases: DatabaseResult[] = [];
    for (const replica of replicas) databases.push(await this.replicateDatabase(job, replica.replicaId, replica.info.path));
    if (databases.every((database) => database.error === undefined)) this.retries.jobSucceeded(job);
    const result: JobResult = { job, startedAt, finishedAt: Date.now(), databases };
    this.options.onJob?.({ kind: 'finished', result });
    return result;
  }

  private resolveDatabases(job: ReplicationJob): ReturnType<DirectoryStore['replicas']> | string {
    const { store, directory } = this.options;
    if (job.databases.length === 0) {
      const partner = nameKey(job.partner);
      return store.replicas().filter((replica) => directory.peersFor(replica.replicaId).some((peer) => nameKey(peer) === partner));
    }
    const replicas = [];
    for (const path of job.databases) {
      const replica = store.replicas().find((candidate) => sameDatabasePath(candidate.info.path, path) || candidate.replicaId === path.toUpperCase());
      if (replica === undefined) {
        const hosted = store.replicas().map((candidate) => candidate.info.path).join(', ');
        return `Database ${path} is not on this server; it holds ${hosted}`;
      }
      replicas.push(replica);
    }
    return replicas;
  }

  private async replicateDatabase(job: ReplicationJob, replicaId: string, path: string): Promise<DatabaseResult> {
    const wantsPull = job.mode !== 'push-only';
    const wantsPush = job.mode === 'pull-push' || job.mode === 'push-only';
    let pulled: SessionCounts | undefined;
    let pushed: SessionCounts | undefined;
    try {
      if (wantsPull) pulled = (await this.session(job.partner, replicaId, 'pull', () => pullFrom(this.sessions, job.partner, replicaId))).counts;
      if (wantsPush) pushed = (await this.session(job.partner, replicaId, 'push', () => pushTo(this.sessions, job.partner, replicaId))).counts;
      if (job.mode === 'pull-pull') pushed = await askToPull(this.sessions, job.partner, replicaId);
      return { path, replicaId, pulled, pushed };
    } catch (error) {
      const retry = this.options.retryOnContact ?? (() => true);
      if (error instanceof SessionError && error.unreachable && retry(job)) this.retries.jobFailed(job);
      const message = error instanceof SessionError ? error.message : `unexpected error: ${(error as Error).message}`;
      return { path, replicaId, pulled, pushed, error: message };
    }
  }

  private async session<T extends { counts: SessionCounts }>(partner: string, replicaId: string, direction: HistoryDirection, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      if (direction === 'pull') this.counters.recordPullSession(true);
      this.history.recordSuccess(replicaId, partner, direction, result.counts);
      return result;
    } catch (error) {
      if (direction === 'pull') this.counters.recordPullSession(false);
      this.history.recordFailure(replicaId, partner, direction, (error as Error).message);
      throw error;
    }
  }

  private queuePush(replicaId: string, revisions: readonly Revision[]): void {
    if (this.options.directory.clusterMates().length === 0) return;
    const queued = this.pushQueue.get(replicaId) ?? [];
    queued.push(...revisions);
    this.pushQueue.set(replicaId, queued);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // NOTE: pending pushes live only in memory, like Domino's cluster replicator queue. A crash
    // before this runs leaves the saves in the log only. Cluster mates pull them when the
    // server is back, and other servers get them by schedule.
    setImmediate(() => this.flushPushes());
  }

  private flushPushes(): void {
    this.flushScheduled = false;
    if (this.stopped || this.options.connection.isClosed()) return;
    for (const [replicaId, revisions] of this.pushQueue) this.publishRevisions(replicaId, revisions);
    this.pushQueue.clear();
  }

  private publishRevisions(replicaId: string, revisions: readonly Revision[]): void {
    const { connection, subjects, server } = this.options;
    let chunk: string[] = [];
    let bytes = 0;
    const flush = () => {
      if (chunk.length === 0) return;
      connection.publish(subjects.push(replicaId), encodeWithRevisions({ v: 1, from: server, replicaId }, chunk));
      this.counters.revisionsPushed += chunk.length;
      chunk = [];
      bytes = 0;
    };
    for (const revision of revisions) {
      const json = JSON.stringify(revision);
      if (bytes + json.length > MAX_MESSAGE_BYTES) flush();
      chunk.push(json);
      bytes += json.length;
    }
    flush();
  }

  private onPush(msg: Msg): void {
    const decoded = decodeMessage(msg.data, pushMessageSchema);
    if (!decoded.ok) {
      this.rejectMessage('push', 'unknown sender', decoded.reason);
      return;
    }
    const push = decoded.value;
    if (nameKey(push.from) === nameKey(this.options.server)) return;
    if (!this.isClusterMate(push.from)) {
      this.rejectMessage('push', push.from, 'the sender is not in this server\'s cluster');
      return;
    }
    this.gate.deliver(push.from, () => this.safely('push', () => {
      this.heardFrom(push.from);
      // A push carries only its sender's own saves; anything else in it is a forgery.
      const own = push.revisions.filter((revision) => {
        const originator = (revision as { originator?: unknown }).originator;
        if (typeof originator === 'string' && nameKey(originator) === nameKey(push.from)) return true;
        this.counters.revisionsRejected += 1;
        this.warnings.warn('foreign originator', `Rejected a pushed revision from ${push.from} that claims ${String(originator)} as its originator`);
        return false;
      });
      const result = this.receive(push.from, push.replicaId, own, 'push');
      if (result.gaps.length > 0) void this.pull(push.from, push.replicaId).catch(() => undefined);
    }));
  }

  private onHeartbeat(): void {
    if (this.stopped || this.options.connection.isClosed()) return;
    const { connection, subjects, store, server, directory } = this.options;
    for (const replica of store.replicas()) {
      // Every server publishes its vectors: cluster mates compare them, and the other servers
      // hosting the replica take them as a sign of life to retry failed replication at once.
      const message: VectorMessage = { v: 1, from: server, replicaId: replica.replicaId, vector: store.versionVector(replica.replicaId) };
      connection.publish(subjects.vector(replica.replicaId), encodeMessage(message));
      // An empty replica keeps asking its setup sources, as a new Domino server copies names.nsf.
      if (Object.keys(store.versionVector(replica.replicaId)).length === 0) {
        for (const source of directory.setupSources(replica.replicaId)) void this.pull(source, replica.replicaId).catch(() => undefined);
      }
    }
  }

  private onVector(msg: Msg): void {
    const decoded = decodeMessage(msg.data, vectorMessageSchema);
    if (!decoded.ok) {
      this.rejectMessage('version vector', 'unknown sender', decoded.reason);
      return;
    }
    const { from, replicaId, vector } = decoded.value;
    if (nameKey(from) === nameKey(this.options.server) || this.options.store.findReplica(replicaId) === undefined) return;
    this.gate.deliver(from, () =>
      this.safely('vector', () => {
        this.heardFrom(from);
        if (this.isClusterMate(from)) this.compareVector(from, replicaId, vector);
      }),
    );
  }

  /**
   * Repeats at once the replication with a partner that failed because the partner did not
   * respond, now that a message from it arrived.
   */
  private heardFrom(partner: string): void {
    if (this.stopped) return;
    const due = this.retries.takeDue(partner);
    if (due === undefined) return;

    this.options.logger.log(`Heard from ${partner} again: retrying ${due.jobs.length + due.pulls.length} replication(s) that failed because it did not respond`);
    for (const job of due.jobs) {
      if (!this.isQueued(job.partner, job.origin)) void this.replicate(job);
    }
    for (const replicaId of due.pulls) void this.pull(partner, replicaId).catch(() => undefined);
  }

  private compareVector(from: string, replicaId: string, vector: VersionVector): void {
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

  private isClusterMate(server: string): boolean {
    const key = nameKey(server);
    if (key === nameKey(this.options.server)) return false;
    return this.options.directory.clusterMates().some((mate) => nameKey(mate) === key);
  }

  private receive(from: string, replicaId: string, raw: readonly unknown[], delivery: Delivery): ReceiveResult {
    const revisions: Revision[] = [];
    for (const candidate of raw) {
      const checked = checkRevision(candidate);
      if (!checked.ok) {
        this.counters.revisionsRejected += 1;
        this.warnings.warn('invalid revision', `Rejected an invalid revision from ${from}: ${checked.field}: ${checked.reason}`);
        continue;
      }
      if (checked.revision.replicaId !== replicaId) {
        this.counters.revisionsRejected += 1;
        this.warnings.warn('replica mismatch', `Rejected a revision of replica ${checked.revision.replicaId} sent from ${from} as part of ${replicaId}`);
        continue;
      }
      revisions.push(checked.revision);
    }

    const result = this.options.store.receive(revisions);
    this.counters.recordApplied(result.applied, delivery);
    this.counters.revisionsRejected += result.rejected.length;
    if (delivery === 'push' && result.rejected.length > 0) this.counters.recordPushFailure();
    if (result.resurrected.length > 0) {
      this.options.logger.log(`Saved ${result.resurrected.length} notes again that ${from} had purged as deleted; they return to every replica`);
    }
    for (const { revision, reason } of result.rejected) {
      this.warnings.warn(`rejected:${reason.split(' ')[0]}`, `Rejected revision ${revision.originator}#${revision.counter} of note ${revision.unid} from ${from}: ${reason}`);
    }
    return result;
  }

  /**
   * Runs a message handler so that nothing a message contains can end the subscription or
   * the process: an unexpected error is counted and logged, and the next message is handled.
   */
  private safely(subject: string, handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.counters.messagesRejected += 1;
      this.warnings.warn(`handler:${subject}`, `Handling a message on ${subject} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private rejectMessage(kind: string, from: string, reason: string): void {
    this.counters.messagesRejected += 1;
    this.warnings.warn(`message:${kind}`, `Rejected a ${kind} message from ${from}: ${reason}`);
  }
}

/** True when `theirs` counts a revision that `mine` lacks. */
export function isAhead(theirs: VersionVector, mine: VersionVector): boolean {
  return Object.entries(theirs).some(([originator, counter]) => counter > (mine[originator] ?? 0));
}


