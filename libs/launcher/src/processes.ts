import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * True while a process with this pid runs. A zombie (ended, waiting for its parent to reap it)
 * counts as ended: a detached server outlives the CLI that started it, and its new parent may
 * reap it only after a while.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** The command line of a running process, or undefined where /proc is not available. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/**
 * Identifies one run of a process: the kernel's boot id and the process's start time in clock
 * ticks since boot (field 22 of /proc/PID/stat). A pid reused after the process ended, or
 * after a reboot, has another identity. Undefined where /proc is not available.
 */
export function processIdentity(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesized command name start with the state, which is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = fields[22 - 3];
    return `${bootId()}:${startTicks}`;
  } catch {
    return undefined;
  }
}

let cachedBootId: string | undefined;

function bootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cachedBootId = 'unknown-boot';
    }
  }
  return cachedBootId;
}

/**
 * True when `pid` still runs the process recorded with `identity` (from `processIdentity`).
 * Without a recorded identity, or without /proc, only whether the pid is alive is checked.
 */
export function isSameProcess(pid: number, identity: string | undefined): boolean {
  if (!isAlive(pid)) return false;
  if (identity === undefined) return true;
  const current = processIdentity(pid);
  return current === undefined || current === identity;
}

/** Polls a condition every `intervalMs` until it holds or the deadline passes. Returns whether it held. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Stops a process: SIGTERM, then SIGKILL if it is still running after `graceMs`.
 * Returns how it ended.
 */
export async function terminate(pid: number, graceMs = 10_000): Promise<'not-running' | 'terminated' | 'killed'> {
  if (!isAlive(pid)) return 'not-running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not-running';
  }
  if (await waitFor(() => !isAlive(pid), graceMs, 25)) return 'terminated';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'terminated';
  }
  await waitFor(() => !isAlive(pid), 5_000, 25);
  return 'killed';
}

/** Child processes started attached (not detached); they should end with the process that started them. */
const attachedChildren = new Set<ChildProcess>();

/** Remembers an attached child until it exits, so `stopAttachedChildren` can end it. */
export function trackAttachedChild(child: ChildProcess): void {
  attachedChildren.add(child);
  child.once('exit', () => attachedChildren.delete(child));
}

/**
 * Sends SIGKILL to every attached child still running. For a process that is itself being
 * stopped by a signal and has no time for an orderly shutdown (the bench, a test runner).
 */
export function stopAttachedChildren(): void {
  for (const child of attachedChildren) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  attachedChildren.clear();
}
