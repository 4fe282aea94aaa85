import Database from 'better-sqlite3';

import { CorruptLogError, NonContiguousAppendError } from './errors';
import { tornWalBytes } from './wal-tail';
import type { LogRecord, StoredRecord, VersionVector } from './records';

type Listener<T> = (records: readonly StoredRecord<T>[]) => void;

interface Row {
  position: number;
  stream: number;
  counter: number;
  body: string;
  appended_at: number;
}

/** One originator's events in one replica: each row of `events` names its stream by number. */
interface Stream {
  readonly replicaId: string;
  readonly originator: string;
}

// Events name their (replica, originator) stream by a small number rather than by two
// strings, which keeps rows and the index short: appends are most of a server's disk work.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS streams (
    id          INTEGER PRIMARY KEY,
    replica_id  TEXT    NOT NULL,
    originator  TEXT    NOT NULL,
    UNIQUE (replica_id, originator)
  );
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY,
    stream      INTEGER NOT NULL REFERENCES streams (id),
    counter     INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    appended_at INTEGER NOT NULL,
    UNIQUE (stream, counter)
  );
  CREATE TABLE IF NOT EXISTS purges (
    replica_id       TEXT    NOT NULL,
    unid             TEXT    NOT NULL,
    through_position INTEGER NOT NULL,
    purged_at        INTEGER NOT NULL,
    PRIMARY KEY (replica_id, unid)
  );
`;

/**
 * A server's durable, append-only log in one SQLite file. `append` returns only after
 * the records are on disk (WAL with synchronous=FULL), so an acknowledged append
 * survives `kill -9` and power loss.
 */
export class SqliteEventLog<T> {
  private readonly db: Database.Database;
  private readonly listeners = new Set<Listener<T>>();
  private readonly vectors = new Map<string, Map<string, number>>();
  private readonly streams = new Map<number, Stream>();
  private readonly streamIds = new Map<string, number>();
  private readonly insert: Database.Statement;
  private readonly insertStream: Database.Statement;
  private readonly selectRange: Database.Statement;
  private readonly selectFrom: Database.Statement;

  /** Bytes of an incomplete write found at the end of the WAL when the log was opened; SQLite discarded them. */
  readonly tornTailBytes: number;

  private constructor(readonly file: string) {
    this.tornTailBytes = tornWalBytes(file);
    this.db = new Database(file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.checkIntegrity();
      this.db.exec(SCHEMA);
    } catch (error) {
      this.db.close();
      throw asCorruptLogError(file, error);
    }

    this.insert = this.db.prepare('INSERT INTO events (stream, counter, body, appended_at) VALUES (?, ?, ?, ?)');
    this.insertStream = this.db.prepare('INSERT INTO streams (replica_id, originator) VALUES (?, ?)');
    this.selectRange = this.db.prepare('SELECT * FROM events WHERE stream = ? AND counter > ? ORDER BY counter LIMIT ?');
    this.selectFrom = this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
    this.loadStreams();
    this.loadVectors();
  }

  static open<T>(file: string): SqliteEventLog<T> {
    return new SqliteEventLog<T>(file);
  }

  /**
   * Appends records in one transaction and notifies subscribers. Each record's counter
   * must be the next one for its replica and originator.
   *
   * @throws NonContiguousAppendError, and then nothing is appended.
   */
  append(records: readonly LogRecord<T>[]): StoredRecord<T>[] {
    if (records.length === 0) return [];
    const pending = this.checkContiguous(records);
    const appendedAt = Date.now();

    let stored: StoredRecord<T>[];
    try {
      stored = this.db.transaction(() =>
        records.map((record): StoredRecord<T> => {
          const result = this.insert.run(this.streamId(record.replicaId, record.originator), record.counter, JSON.stringify(record.body), appendedAt);
          return { ...record, position: Number(result.lastInsertRowid), appendedAt };
        }),
      )();
    } catch (error) {
      // A stream created in the rolled-back transaction does not exist; forget it.
      this.streams.clear();
      this.streamIds.clear();
      this.loadStreams();
      throw error;
    }

    for (const [replicaId, counters] of pending) {
      const vector = this.vectorOf(replicaId);
      for (const [originator, counter] of counters) vector.set(originator, counter);
    }
    for (const listener of this.listeners) listener(stored);
    return stored;
  }

  /** Records of one originator with counters above `afterCounter`, in counter order. */
  readOriginator(replicaId: string, originator: string, afterCounter: number, limit: number): StoredRecord<T>[] {
    const stream = this.streamIds.get(streamKey(replicaId, originator));
    if (stream === undefined) return [];
    return (this.selectRange.all(stream, afterCounter, limit) as Row[]).map((row) => this.toRecord(row));
  }

  /**
   * Like `readOriginator`, but each record's body as the JSON text stored, for sending on
   * without parsing and serialising it again.
   */
  readOriginatorJson(replicaId: string, originator: string, afterCounter: number, limit: number): Array<{ position: number; counter: number; json: string }> {
    const stream = this.streamIds.get(streamKey(replicaId, originator));
    if (stream === undefined) return [];
    return (this.selectRange.all(stream, afterCounter, limit) as Row[]).map((row) => ({ position: row.position, counter: row.counter, json: row.body }));
  }

  /** Records after a log position, in log order. */
  readFrom(afterPosition: number, limit: number): StoredRecord<T>[] {
    return (this.selectFrom.all(afterPosition, limit) as Row[]).map((row) => this.toRecord(row));
  }

  /** Visits every record in log order without loading the whole log into memory. */
  forEach(visit: (record: StoredRecord<T>) => void): void {
    for (const row of this.db.prepare('SELECT * FROM events ORDER BY position').iterate() as IterableIterator<Row>) {
      visit(this.toRecord(row));
    }
  }

  versionVector(replicaId: string): VersionVector {
    return Object.fromEntries(this.vectorOf(replicaId));
  }

  /** The highest counter held for an originator in a replica, 0 when none. */
  counterOf(replicaId: string, originator: string): number {
    return this.vectors.get(replicaId)?.get(originator) ?? 0;
  }

  /** The position of the last record, 0 for an empty log. */
  lastPosition(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(position), 0) AS p FROM events').get() as { p: number }).p;
  }

  /**
   * Records, durably, that the notes were purged from a replica: their records up to
   * `throughPosition` no longer count. The records themselves stay, so the log remains
   * append-only and each originator's counters stay unbroken.
   */
  recordPurges(replicaId: string, unids: readonly string[], throughPosition: number, purgedAt: number): void {
    const upsert = this.db.prepare(
      'INSERT INTO purges (replica_id, unid, through_position, purged_at) VALUES (?, ?, ?, ?) ON CONFLICT (replica_id, unid) DO UPDATE SET through_position = excluded.through_position, purged_at = excluded.purged_at',
    );
    this.db.transaction(() => {
      for (const unid of unids) upsert.run(replicaId, unid, throughPosition, purgedAt);
    })();
  }

  /** Every purge recorded, as replica ID, UNID and the last log position it covers. */
  readPurges(): Array<{ replicaId: string; unid: string; throughPosition: number }> {
    return (this.db.prepare('SELECT replica_id, unid, through_position FROM purges').all() as Array<{ replica_id: string; unid: string; through_position: number }>).map((row) => ({
      replicaId: row.replica_id,
      unid: row.unid,
      throughPosition: row.through_position,
    }));
  }

  /**
   * Checks the whole log: SQLite's integrity check, and that each originator's counters in
   * each replica run 1, 2, 3... without a hole. Returns the problems found, none when sound.
   */
  verify(): string[] {
    const problems = (this.db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check).filter((text) => text !== 'ok');
    const ranges = this.db.prepare('SELECT stream, MIN(counter) AS low, MAX(counter) AS high, COUNT(*) AS n FROM events GROUP BY stream').all() as Array<{
      stream: number;
      low: number;
      high: number;
      n: number;
    }>;
    for (const range of ranges) {
      const stream = this.streams.get(range.stream);
      if (stream === undefined) {
        problems.push(`events name stream ${range.stream}, which the streams table lacks`);
      } else if (range.low !== 1 || range.high !== range.n) {
        problems.push(`replica ${stream.replicaId}: counters of ${stream.originator} run ${range.low}..${range.high} with ${range.n} records`);
      }
    }
    return problems;
  }

  size(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  private checkContiguous(records: readonly LogRecord<T>[]): Map<string, Map<string, number>> {
    const next = new Map<string, Map<string, number>>();
    for (const record of records) {
      let counters = next.get(record.replicaId);
      if (counters === undefined) {
        counters = new Map();
        next.set(record.replicaId, counters);
      }
      const held = counters.get(record.originator) ?? this.counterOf(record.replicaId, record.originator);
      if (!Number.isSafeInteger(record.counter) || record.counter !== held + 1) {
        throw new NonContiguousAppendError(record.replicaId, record.originator, held + 1, record.counter);
      }
      counters.set(record.originator, record.counter);
    }
    return next;
  }

  private checkIntegrity(): void {
    const rows = this.db.pragma('quick_check') as Array<{ quick_check: string }>;
    const problems = rows.map((row) => row.quick_check).filter((text) => text !== 'ok');
    if (problems.length > 0) throw new CorruptLogError(this.file, problems.slice(0, 3).join('; '));
  }

  private loadVectors(): void {
    const rows = this.db.prepare('SELECT stream, MAX(counter) AS counter FROM events GROUP BY stream').all() as Array<{ stream: number; counter: number }>;
    for (const row of rows) {
      const stream = this.streams.get(row.stream);
      if (stream !== undefined) this.vectorOf(stream.replicaId).set(stream.originator, row.counter);
    }
  }

  private loadStreams(): void {
    for (const row of this.db.prepare('SELECT id, replica_id, originator FROM streams').all() as Array<{ id: number; replica_id: string; originator: string }>) {
      this.streams.set(row.id, { replicaId: row.replica_id, originator: row.originator });
      this.streamIds.set(streamKey(row.replica_id, row.originator), row.id);
    }
  }

  /** The number of a stream, created inside the caller's transaction when it is new. */
  private streamId(replicaId: string, originator: string): number {
    const key = streamKey(replicaId, originator);
    let id = this.streamIds.get(key);
    if (id === undefined) {
      id = Number(this.insertStream.run(replicaId, originator).lastInsertRowid);
      this.streamIds.set(key, id);
      this.streams.set(id, { replicaId, originator });
    }
    return id;
  }

  private vectorOf(replicaId: string): Map<string, number> {
    let vector = this.vectors.get(replicaId);
    if (vector === undefined) {
      vector = new Map();
      this.vectors.set(replicaId, vector);
    }
    return vector;
  }

  private toRecord(row: Row): StoredRecord<T> {
    const stream = this.streams.get(row.stream) as Stream;
    return {
      position: row.position,
      replicaId: stream.replicaId,
      originator: stream.originator,
      counter: row.counter,
      body: JSON.parse(row.body) as T,
      appendedAt: row.appended_at,
    };
  }
}

/** SQLite's codes for a file that is not a database or is damaged. */
const CORRUPTION_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

function asCorruptLogError(file: string, error: unknown): unknown {
  if (error instanceof CorruptLogError) return error;
  const code = (error as { code?: string }).code;
  if (code !== undefined && CORRUPTION_CODES.has(code.split('_').slice(0, 2).join('_'))) {
    return new CorruptLogError(file, `${code}: ${(error as Error).message}`);
  }
  return error;
}

function streamKey(replicaId: string, originator: string): string {
  return `${replicaId}\u0000${originator}`;
}
