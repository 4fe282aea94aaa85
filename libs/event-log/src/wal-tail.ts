import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** SQLite's write-ahead log: a 32-byte header, then frames of a 24-byte header and one page. */
const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

/**
 * Measures an incomplete write at the end of a log's WAL file: bytes past the last whole
 * frame, as a crash in the middle of writing a frame leaves them. SQLite ignores such a
 * tail when it opens the database; this only reports it. Returns 0 when there is none.
 */
export function tornWalBytes(databaseFile: string): number {
  const walFile = `${databaseFile}-wal`;
  if (!existsSync(walFile)) return 0;
  const size = statSync(walFile).size;
  if (size === 0) return 0;
  if (size < WAL_HEADER_BYTES) return size;

  const header = Buffer.alloc(WAL_HEADER_BYTES);
  const descriptor = openSync(walFile, 'r');
  try {
    readSync(descriptor, header, 0, WAL_HEADER_BYTES, 0);
  } finally {
    closeSync(descriptor);
  }
  const pageSize = header.readUInt32BE(8);
  if (pageSize < 512 || pageSize > 65_536 || (pageSize & (pageSize - 1)) !== 0) return size - WAL_HEADER_BYTES;
  return (size - WAL_HEADER_BYTES) % (FRAME_HEADER_BYTES + pageSize);
}
