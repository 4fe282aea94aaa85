export { CorruptLogError, NonContiguousAppendError } from './errors';
export { type LogRecord, START_OF_LOG, type StoredRecord, type VersionVector } from './records';
export { SqliteEventLog } from './sqlite-event-log';
export { tornWalBytes } from './wal-tail';
