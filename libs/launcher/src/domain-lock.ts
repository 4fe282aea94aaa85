import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { DOMAIN_LOCK_FILE } from '@domsim/topology';

import { isSameProcess, processIdentity } from './processes';

/** The process that holds a domain directory's lock, as written in the lock file. */
export interface DomainLockHolder {
  readonly pid: number;
  /** Process identity of the holder (`processIdentity`), to tell it from a later process with its pid. */
  readonly identity?: string;
  /** The domsim command that took the lock, e.g. `up`. */
  readonly command: string;
  readonly since: string;
}

/** Another live process holds the domain directory's lock. */
export class DomainLockedError extends Error {
  readonly code = 'DOMAIN_LOCKED';

  constructor(
    readonly file: string,
    readonly holder: DomainLockHolder,
  ) {
    super(`domsim ${holder.command} (pid ${holder.pid}, since ${holder.since}) holds the lock ${file}`);
    this.name = 'DomainLockedError';
  }
}

/** A held lock; `release` removes the lock file once and only while this process still owns it. */
export interface DomainLock {
  readonly file: string;
  release(): void;
}

/**
 * Takes the exclusive lock on a domain directory by creating its lock file with O_EXCL. A lock
 * file whose holder no longer runs (ended, or a pid reused after a reboot) is stale: it is
 * removed and the lock taken.
 *
 * @throws DomainLockedError naming the live holder.
 */
export function acquireDomainLock(root: string, command: string): DomainLock {
  const file = join(root, DOMAIN_LOCK_FILE);
  const holder: DomainLockHolder = { pid: process.pid, identity: processIdentity(process.pid), command, since: new Date().toISOString() };

  // Two attempts: the second follows the removal of a stale lock file.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let descriptor: number;
    try {
      descriptor = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = readDomainLock(root);
      if (current !== undefined && isSameProcess(current.pid, current.identity)) throw new DomainLockedError(file, current);
      // NOTE: two processes that find the same stale file race here: the later rmSync can
      // remove the lock the other one has just created.
      rmSync(file, { force: true });
      continue;
    }
    writeSync(descriptor, `${JSON.stringify(holder)}\n`);
    closeSync(descriptor);
    return { file, release: () => releaseIfOwned(file, holder) };
  }
  const current = readDomainLock(root);
  throw new DomainLockedError(file, current ?? { pid: 0, command: 'unknown', since: 'unknown' });
}

/**
 * Returns the holder named in the lock file. Returns undefined when there is no lock file, or
 * when it cannot be read because its holder died while writing it, which makes it stale.
 */
export function readDomainLock(root: string): DomainLockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(join(root, DOMAIN_LOCK_FILE), 'utf8')) as Partial<DomainLockHolder>;
    if (typeof holder.pid !== 'number' || !Number.isInteger(holder.pid) || holder.pid <= 0) return undefined;
    return { pid: holder.pid, identity: typeof holder.identity === 'string' ? holder.identity : undefined, command: String(holder.command ?? 'unknown'), since: String(holder.since ?? 'unknown') };
  } catch {
    return undefined;
  }
}

/** Returns the live process that holds the domain's lock, if any. */
export function liveLockHolder(root: string): DomainLockHolder | undefined {
  const holder = readDomainLock(root);
  return holder !== undefined && isSameProcess(holder.pid, holder.identity) ? holder : undefined;
}

function releaseIfOwned(file: string, holder: DomainLockHolder): void {
  try {
    const current = JSON.parse(readFileSync(file, 'utf8')) as Partial<DomainLockHolder>;
    if (current.pid !== holder.pid || current.since !== holder.since) return;
  } catch {
    return;
  }
  rmSync(file, { force: true });
}
