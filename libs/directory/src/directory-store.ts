import type { SqliteEventLog, VersionVector } from '@domsim/event-log';

import { sameDatabasePath } from './database-path';
import { NoteStateError, RejectedRevisionError, UnknownReplicaError } from './errors';
import { newUnid } from './ids';
import { type ReplicaInfo, ReplicaState } from './replica-state';
import type { Items, Revision } from './revision';

/** Distinct repeated strings kept for sharing; a hostile peer cannot grow the table past this. */
const MAX_INTERNED_STRINGS = 10_000;

/** A change a server makes to its own replica; each becomes one revision. */
export type NoteChange =
  | { readonly kind: 'create'; readonly form: string; readonly items: Items; readonly unid?: string }
  | { readonly kind: 'update'; readonly unid: string; readonly items: Items; readonly form?: string }
  | { readonly kind: 'delete'; readonly unid: string };

/** Returns why a revision must not be stored, or undefined when it may be. */
export type RevisionCheck = (revision: Revision, replica: ReplicaState) => string | undefined;

export type RevisionSource = 'local' | 'remote';
export type AppliedListener = (replica: ReplicaState, revisions: readonly Revision[], source: RevisionSource) => void;

export interface ReceiveResult {
  readonly applied: readonly Revision[];
  readonly duplicates: number;
  readonly rejected: ReadonlyArray<{ readonly revision: Revision; readonly reason: string }>;
  /** Originators whose next expected counter was missing from the batch. */
  readonly gaps: ReadonlyArray<{ readonly replicaId: string; readonly originator: string; readonly expected: number; readonly received: number }>;
  /** Notes this server saved again because a partner had purged their deletion: they come back everywhere. */
  readonly resurrected: readonly string[];
}

export interface DirectoryStoreOptions {
  readonly server: string;
  readonly log: SqliteEventLog<Revision>;
  readonly replicas: readonly ReplicaInfo[];
  readonly check?: RevisionCheck;
  readonly now?: () => number;
}

/**
 * The databases one server hosts, kept as projections of the server's event log. Local
 * saves and replicated revisions both go through the log first, so what views show is
 * always something the log holds durably.
 */
export class DirectoryStore {
  readonly server: string;
  private readonly log: SqliteEventLog<Revision>;
  private readonly states = new Map<string, ReplicaState>();
  private readonly strings = new Map<string, string>();
  /** Purged notes per replica: their records up to the position given no longer count. */
  private readonly purged = new Map<string, Map<string, number>>();
  private readonly listeners = new Set<AppliedListener>();
  private readonly check: RevisionCheck;
  private readonly now: () => number;

  constructor(options: DirectoryStoreOptions) {
    this.server = options.server;
    this.log = options.log;
    this.check = options.check ?? (() => undefined);
    this.now = options.now ?? Date.now;
    for (const info of options.replicas) this.states.set(info.replicaId, new ReplicaState(info));
  }

  /** Rebuilds every replica's state from the log; call once before use. Returns the number of revisions read. */
  load(): number {
    for (const purge of this.log.readPurges()) this.purgedIn(purge.replicaId).set(purge.unid, purge.throughPosition);
    let count = 0;
    this.log.forEach((record) => {
      count += 1;
      if (this.isPurged(record.replicaId, record.body.unid, record.position)) return;
      this.states.get(record.replicaId)?.add(this.compact(record.body));
    });
    return count;
  }

  replicas(): ReplicaState[] {
    return [...this.states.values()];
  }

  /** Finds a hosted replica by replica ID or by database path. */
  findReplica(replicaIdOrPath: string): ReplicaState | undefined {
    const byId = this.states.get(replicaIdOrPath.toUpperCase());
    if (byId !== undefined) return byId;
    return this.replicas().find((state) => sameDatabasePath(state.info.path, replicaIdOrPath));
  }

  replica(replicaIdOrPath: string): ReplicaState {
    const state = this.findReplica(replicaIdOrPath);
    if (state === undefined) throw new UnknownReplicaError(this.server, replicaIdOrPath);
    return state;
  }

  versionVector(replicaId: string): VersionVector {
    return this.log.versionVector(replicaId);
  }

  /**
   * Revisions this server holds from one originator after a counter, for a replication
   * partner. A revision of a purged note goes out as a placeholder without its content.
   */
  revisionsAfter(replicaId: string, originator: string, afterCounter: number, limit: number): Revision[] {
    return this.log.readOriginator(replicaId, originator, afterCounter, limit).map((record) => {
      if (!this.isPurged(replicaId, record.body.unid, record.position)) return record.body;
      const { form: _form, items: _items, ...rest } = record.body;
      return { ...rest, purged: true };
    });
  }

  /**
   * Like `revisionsAfter`, but each revision as JSON text, taken from the log as stored
   * unless the note was purged.
   */
  revisionJsonAfter(replicaId: string, originator: string, afterCounter: number, limit: number): Array<{ counter: number; json: string }> {
    return this.log.readOriginatorJson(replicaId, originator, afterCounter, limit).map((record) => {
      if (this.purged.get(replicaId) === undefined) return record;
      const body = JSON.parse(record.json) as Revision;
      if (!this.isPurged(replicaId, body.unid, record.position)) return record;
      const { form: _form, items: _items, ...rest } = body;
      return { counter: record.counter, json: JSON.stringify({ ...rest, purged: true }) };
    });
  }

  /**
   * Purges deletion stubs saved before `before` (ms since the epoch), as Domino purges
   * stubs older than a third of the replica's cutoff interval: the notes are forgotten. A
   * replica that was away longer and still holds such a note brings it back.
   * Returns the number of notes purged.
   */
  purgeStubs(before: number, now: number = this.now()): number {
    let purged = 0;
    for (const replica of this.states.values()) {
      const unids = replica.stubsOlderThan(before);
      if (unids.length === 0) continue;
      const through = this.log.lastPosition();
      this.log.recordPurges(replica.replicaId, unids, through, now);
      for (const unid of unids) {
        replica.forget(unid);
        this.purgedIn(replica.replicaId).set(unid, through);
      }
      purged += unids.length;
    }
    return purged;
  }

  /**
   * Saves changes to a hosted replica as new revisions originated here, durably, then
   * updates the replica's state and notifies listeners.
   *
   * @throws UnknownReplicaError, NoteStateError or RejectedRevisionError, and then nothing is saved.
   */
  save(replicaIdOrPath: string, changes: readonly NoteChange[]): Revision[] {
    const replica = this.replica(replicaIdOrPath);
    const revisions = this.buildRevisions(replica, changes);

    for (const revision of revisions) {
      const reason = this.check(revision, replica);
      if (reason !== undefined) throw new RejectedRevisionError(revision.unid, reason);
    }

    this.log.append(revisions.map((revision) => ({ replicaId: replica.replicaId, originator: this.server, counter: revision.counter, body: revision })));
    for (const revision of revisions) replica.add(revision);
    this.notify(replica, revisions, 'local');
    return revisions;
  }

  /**
   * Stores revisions received from another server. Revisions already held are skipped;
   * a revision whose counter is past the next expected one is a gap and is skipped, so
   * each originator's revisions stay an unbroken prefix. The caller validated the schema.
   */
  receive(revisions: readonly Revision[]): ReceiveResult {
    const next = new Map<string, number>();
    const accepted: Revision[] = [];
    const rejected: Array<{ revision: Revision; reason: string }> = [];
    const gaps: Array<{ replicaId: string; originator: string; expected: number; received: number }> = [];
    let duplicates = 0;

    for (const revision of revisions) {
      const replica = this.states.get(revision.replicaId);
      if (replica === undefined) {
        rejected.push({ revision, reason: `this server hosts no replica ${revision.replicaId}` });
        continue;
      }
      const key = `${revision.replicaId} ${revision.originator}`;
      const expected = next.get(key) ?? this.log.counterOf(revision.replicaId, revision.originator) + 1;
      if (revision.counter < expected) {
        duplicates += 1;
        continue;
      }
      if (revision.counter > expected) {
        gaps.push({ replicaId: revision.replicaId, originator: revision.originator, expected, received: revision.counter });
        continue;
      }
      const reason = this.check(revision, replica);
      if (reason !== undefined) {
        rejected.push({ revision, reason });
        continue;
      }
      accepted.push(this.compact(revision));
      next.set(key, expected + 1);
    }

    this.log.append(accepted.map((revision) => ({ replicaId: revision.replicaId, originator: revision.originator, counter: revision.counter, body: revision })));
    this.applyAccepted(accepted);
    const resurrected = this.resurrectPurgedDeletions(accepted);
    return { applied: accepted, duplicates, rejected, gaps, resurrected };
  }

  /**
   * A placeholder for a purged deletion means the sender forgot that it deleted the note.
   * If this replica still holds the note, it saves it again, so the note returns to every
   * replica, which is what Domino does when a replica away longer than the purge interval
   * replicates.
   */
  private resurrectPurgedDeletions(accepted: readonly Revision[]): string[] {
    const resurrected: string[] = [];
    for (const revision of accepted) {
      if (revision.purged !== true || !revision.deleted) continue;
      const note = this.states.get(revision.replicaId)?.note(revision.unid);
      if (note === undefined || note.conflictOf !== undefined) continue;
      this.save(revision.replicaId, [{ kind: 'update', unid: note.unid, form: note.form, items: note.items }]);
      resurrected.push(note.unid);
    }
    return resurrected;
  }

  /**
   * Shares one copy of the strings every revision repeats (replica ID, originator, form):
   * parsed JSON gives each revision its own, which for a large replica costs megabytes.
   */
  private compact(revision: Revision): Revision {
    const parent = revision.parent === null ? null : { originator: this.intern(revision.parent.originator), counter: revision.parent.counter };
    return {
      ...revision,
      replicaId: this.intern(revision.replicaId),
      originator: this.intern(revision.originator),
      parent,
      ...(revision.form === undefined ? {} : { form: this.intern(revision.form) }),
    };
  }

  private intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size < MAX_INTERNED_STRINGS) this.strings.set(text, text);
    return text;
  }

  private isPurged(replicaId: string, unid: string, position: number): boolean {
    const through = this.purged.get(replicaId)?.get(unid);
    return through !== undefined && position <= through;
  }

  private purgedIn(replicaId: string): Map<string, number> {
    let map = this.purged.get(replicaId);
    if (map === undefined) {
      map = new Map();
      this.purged.set(replicaId, map);
    }
    return map;
  }

  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private applyAccepted(accepted: readonly Revision[]): void {
    const byReplica = new Map<string, Revision[]>();
    for (const revision of accepted) {
      this.states.get(revision.replicaId)?.add(revision);
      const list = byReplica.get(revision.replicaId) ?? [];
      list.push(revision);
      byReplica.set(revision.replicaId, list);
    }
    for (const [replicaId, list] of byReplica) {
      const state = this.states.get(replicaId);
      if (state !== undefined) this.notify(state, list, 'remote');
    }
  }

  private buildRevisions(replica: ReplicaState, changes: readonly NoteChange[]): Revision[] {
    let counter = this.log.counterOf(replica.replicaId, this.server);
    const touched = new Map<string, Revision>();
    const revisions: Revision[] = [];

    for (const change of changes) {
      const unid = change.kind === 'create' ? (change.unid ?? newUnid()) : change.unid;
      const current = touched.get(unid) ?? replica.winner(unid);
      this.assertChangeFits(replica, change, unid, current);

      counter += 1;
      const seqTime = Math.max(this.now(), (current?.seqTime ?? 0) + 1);
      const parent = current === undefined ? null : { originator: current.originator, counter: current.counter };
      const seq = (current?.seq ?? 0) + 1;
      const revision: Revision =
        change.kind === 'delete'
          ? { replicaId: replica.replicaId, unid, originator: this.server, counter, seq, seqTime, parent, deleted: true }
          : {
              replicaId: replica.replicaId,
              unid,
              originator: this.server,
              counter,
              seq,
              seqTime,
              parent,
              deleted: false,
              form: change.kind === 'create' ? change.form : (change.form ?? current?.form ?? ''),
              items: change.items,
            };
      touched.set(unid, revision);
      revisions.push(revision);
    }
    return revisions;
  }

  private assertChangeFits(replica: ReplicaState, change: NoteChange, unid: string, current: Revision | undefined): void {
    const live = current !== undefined && !current.deleted;
    if (change.kind === 'create' && live) {
      throw new NoteStateError(replica.replicaId, unid, 'a document with this UNID already exists');
    }
    if (change.kind !== 'create' && !live) {
      throw new NoteStateError(replica.replicaId, unid, current === undefined ? 'no such document' : 'the document is deleted');
    }
  }

  private notify(replica: ReplicaState, revisions: readonly Revision[], source: RevisionSource): void {
    if (revisions.length === 0) return;
    for (const listener of this.listeners) listener(replica, revisions, source);
  }
}
