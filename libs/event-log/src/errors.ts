/** An append would leave a hole or a repeat in an originator's counters. */
export class NonContiguousAppendError extends Error {
  readonly code = 'NON_CONTIGUOUS_APPEND';

  constructor(
    readonly replicaId: string,
    readonly originator: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`append for replica ${replicaId} from ${originator} expected counter ${expected}, got ${actual}`);
    this.name = 'NonContiguousAppendError';
  }
}

/** The log file failed SQLite's integrity check when it was opened. */
export class CorruptLogError extends Error {
  readonly code = 'CORRUPT_LOG';

  constructor(
    readonly file: string,
    readonly details: string,
  ) {
    super(`event log ${file} failed its integrity check: ${details}; restore it from a backup or delete it to re-replicate from the other servers`);
    this.name = 'CorruptLogError';
  }
}
