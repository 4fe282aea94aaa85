/**
 * One entry of a server's log. `(replicaId, originator, counter)` is the event's origin
 * position: counters run 1, 2, 3... per originating server and replica, and a log holds
 * each originator's events as an unbroken prefix of that sequence.
 */
export interface LogRecord<T> {
  readonly replicaId: string;
  readonly originator: string;
  readonly counter: number;
  readonly body: T;
}

/** A record as stored: `position` is its place in this server's log, 1 for the first append. */
export interface StoredRecord<T> extends LogRecord<T> {
  readonly position: number;
  readonly appendedAt: number;
}

/** Highest counter held per originator, for one replica. Absent originators count as 0. */
export type VersionVector = Record<string, number>;

/** The position before the first record, for reading a log from its start. */
export const START_OF_LOG = 0;
