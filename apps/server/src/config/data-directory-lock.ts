import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Lock file in a server's data directory; it exists while a server process uses the directory. */
export const DATA_DIRECTORY_LOCK_FILE = 'domsim-server.lock';

/** The process recorded in a lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  /** Random per lock, so a process can tell its own lock from one a reused PID wrote. */
  readonly token: string;
  /** The holder's start time in clock ticks since boot, from /proc (Linux only), to detect a reused PID. */
  readonly processStart?: string;
}

/** Another server process uses the data directory, or the lock file cannot be written. */
export class DataDirectoryLockedError extends Error {
  readonly code = 'DATA_DIRECTORY_LOCKED';

  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'DataDirectoryLockedError';
  }
}

/** A held lock; `release` removes the lock file if it is still this lock's. */
export interface DataDirectoryLock {
  readonly file: string;
  readonly holder: LockHolder;
  release(): void;
}

/**
 * Locks this process holds, by token, so a server sharing the process cannot take the same
 * directory, and so one exit handler can release them all.
 */
const heldLocks = new Map<string, () => void>();
let exitHandlerInstalled = false;

/** How many times a stale lock is removed and the lock tried again before giving up. */
const MAX_ATTEMPTS = 3;

/**
 * Takes the data directory for this process: creates the lock file with O_EXCL and writes
 * the PID, host, start time and a token into it. A lock left by a process that is gone
 * (same host, PID not running) is stale and is replaced.
 *
 * @throws DataDirectoryLockedError naming the directory and the holder.
 */
export function lockDataDirectory(dataDir: string): DataDirectoryLock {
  const file = join(dataDir, DATA_DIRECTORY_LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(16).toString('hex'),
    processStart: processStatus(process.pid)?.start,
  };

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (tryCreate(file, holder, dataDir)) {
      const releaseLock = () => release(file, holder);
      heldLocks.set(holder.token, releaseLock);
      releaseAllOnExit();
      return { file, holder, release: releaseLock };
    }

    const current = readHolder(file);
    if (current === 'missing') continue;
    if (current === 'unreadable') {
      // NOTE: a process that crashed between creating the file and writing it leaves it
      // empty. Such a file looks the same as one a starting server is writing, so it is not removed.
      throw new DataDirectoryLockedError(
        dataDir,
        undefined,
        `cannot start: the data directory ${dataDir} is locked by ${file}, which names no process; if no server uses this directory, delete that file and start again`,
      );
    }
    if (isAlive(current)) throw lockedBy(dataDir, file, current);
    removeStale(file, current, dataDir);
  }
  throw new DataDirectoryLockedError(dataDir, undefined, `cannot start: the lock ${file} kept changing while this server tried to take it; another server is starting on ${dataDir}`);
}

function tryCreate(file: string, holder: LockHolder, dataDir: string): boolean {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'wx', 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new DataDirectoryLockedError(dataDir, undefined, `cannot start: cannot create the lock ${file} (${code ?? (error as Error).message}); the server needs write access to its data directory`);
  }
  try {
    writeSync(descriptor, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(descriptor);
  }
  return true;
}

function readHolder(file: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return 'unreadable';
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.token !== 'string') return 'unreadable';
    const processStart = typeof value.processStart === 'string' ? value.processStart : undefined;
    return { pid: value.pid, host: value.host, startedAt: String(value.startedAt ?? 'unknown'), token: value.token, processStart };
  } catch {
    return 'unreadable';
  }
}

/**
 * True unless the holder is provably gone. A holder on another host is taken as alive,
 * because its PID cannot be checked from here.
 */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  // A lock with this process's PID but a token it did not issue was left by an earlier
  // process with the same PID, as happens in a container, where the server is always PID 1.
  if (holder.pid === process.pid) return heldLocks.has(holder.token);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process stays in the process table as a zombie until its parent reaps it, and
  // its PID may since belong to another process. /proc shows both cases where it exists.
  const status = processStatus(holder.pid);
  if (status === undefined) return true;
  if (status.state === 'Z' || status.state === 'X') return false;
  return holder.processStart === undefined || holder.processStart === status.start;
}

/** State and start time (clock ticks since boot) of a process from /proc/PID/stat, or undefined without /proc. */
function processStatus(pid: number): { state: string; start: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name in parentheses may contain spaces, so the fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], start: fields[19] };
}

/**
 * Moves a stale lock aside and checks that what moved is the lock that was judged stale.
 * If another starter replaced it in between, its live lock is put back.
 */
function removeStale(file: string, stale: LockHolder, dataDir: string): void {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readHolder(aside);
  if (moved === 'missing') return;
  if (moved === 'unreadable' || moved.token !== stale.token) {
    try {
      linkSync(aside, file);
    } catch {
      // A third starter created a lock meanwhile, so that one holds the directory now.
    }
    unlinkSync(aside);
    if (moved === 'unreadable') throw new DataDirectoryLockedError(dataDir, undefined, `cannot start: another server is starting on ${dataDir} and has just created ${file}`);
    throw lockedBy(dataDir, file, moved);
  }
  unlinkSync(aside);
}

function release(file: string, holder: LockHolder): void {
  if (!heldLocks.delete(holder.token)) return;
  const current = readHolder(file);
  if (current === 'missing' || current === 'unreadable' || current.token !== holder.token) return;
  try {
    unlinkSync(file);
  } catch {
    // The directory may be gone already, e.g. a test removed it; nothing is left to release.
  }
}

/** Releases every held lock when the process exits normally; a signal or a crash leaves a stale lock instead. */
function releaseAllOnExit(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.once('exit', () => {
    for (const releaseLock of [...heldLocks.values()]) releaseLock();
  });
}

function lockedBy(dataDir: string, file: string, holder: LockHolder): DataDirectoryLockedError {
  return new DataDirectoryLockedError(
    dataDir,
    holder,
    `cannot start: the data directory ${dataDir} is in use by process ${holder.pid} on host ${holder.host} (started ${holder.startedAt}); stop that server first, or if that process is not a domsim server, delete ${file}`,
  );
}
