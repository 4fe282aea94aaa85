import { rmSync } from 'node:fs';
import { join } from 'node:path';

import {
  commandLineOf,
  findDomainProcesses,
  InvalidRunStateError,
  isNatsRunning,
  isSameProcess,
  isServerRunning,
  liveLockHolder,
  readDomainLock,
  readRunState,
  recordedNatsProcesses,
  removeRunState,
  type RunState,
  terminate,
  waitFor,
} from '@domsim/launcher';
import { abbreviate } from '@domsim/names';
import { DOMAIN_LOCK_FILE } from '@domsim/topology';

import { CliError, ExitCode } from '../cli-error';
import { openDomainDirectory } from '../domain-context';

/** How long a server gets to close its log and connections before it is killed. */
const STOP_GRACE_MS = 15_000;

export interface DownOptions {
  readonly data: string;
  /** Also stop processes found by their command lines, and remove a run.json that cannot be read. */
  readonly force: boolean;
}

/** `domsim down`: stops what `domsim up` started and keeps the data. */
export async function runDown(options: DownOptions): Promise<number> {
  const { root, manifest } = openDomainDirectory(options.data);

  // A `domsim up` that still runs (in the foreground, or still starting) stops its own processes when asked; let it.
  const stoppedUp = await stopRunningUp(root, options.data);
  removeStaleLock(root);

  let state: RunState | undefined;
  try {
    state = readRunState(root);
  } catch (error) {
    if (!(error instanceof InvalidRunStateError)) throw error;
    if (!options.force) {
      throw new CliError(`${error.message}. Run domsim down --data ${options.data} --force to stop the processes of this domain found by their command lines and remove the file`);
    }
    process.stdout.write(`Ignoring ${error.file}: ${error.reason}\n`);
  }
  if (state === undefined && !options.force) {
    const outcome = stoppedUp ? `stopped; its data in ${options.data} is kept` : `in ${options.data} is not running; nothing to stop`;
    process.stdout.write(`Domain ${manifest.domain} ${outcome}.\n`);
    return ExitCode.Ok;
  }

  const stopped = new Set<number>();
  if (state !== undefined) await stopRecorded(state, stopped);
  if (options.force) await stopFound(root, stopped);
  removeRunState(root);
  process.stdout.write(`Domain ${manifest.domain} stopped; its data in ${options.data} is kept.\n`);
  return ExitCode.Ok;
}

/** Asks the live holder of the domain's lock (a running `domsim up`) to stop; returns whether there was one. */
async function stopRunningUp(root: string, data: string): Promise<boolean> {
  const holder = liveLockHolder(root);
  if (holder === undefined || holder.pid === process.pid) return false;
  process.stdout.write(`Asking domsim ${holder.command} (pid ${holder.pid}) to stop the domain...\n`);
  process.kill(holder.pid, 'SIGTERM');
  if (!(await waitFor(() => !isSameProcess(holder.pid, holder.identity), STOP_GRACE_MS + 5_000, 50))) {
    throw new CliError(`domsim ${holder.command} (pid ${holder.pid}) did not stop within ${(STOP_GRACE_MS + 5_000) / 1000} s; end it with kill ${holder.pid}, then run domsim down --data ${data} again`);
  }
  return true;
}

/** Removes a lock file left by a `domsim up` that was killed (SIGKILL) and so could not remove it. */
function removeStaleLock(root: string): void {
  if (readDomainLock(root) !== undefined && liveLockHolder(root) === undefined) rmSync(join(root, DOMAIN_LOCK_FILE), { force: true });
}

/** Stops the processes run.json records: servers first, then the private NATS servers. */
async function stopRecorded(state: RunState, stopped: Set<number>): Promise<void> {
  // Files written before the lock file existed name a foreground supervisor instead.
  if (state.supervisorPid !== undefined && state.supervisorPid !== process.pid && isSameProcess(state.supervisorPid, state.supervisorIdentity) && isDomsim(state.supervisorPid)) {
    process.kill(state.supervisorPid, 'SIGTERM');
    await waitFor(() => !isSameProcess(state.supervisorPid as number, state.supervisorIdentity), STOP_GRACE_MS + 5_000, 50);
  }

  await Promise.all(
    [...state.servers].reverse().map(async (server) => {
      if (stopped.has(server.pid) || !isServerRunning(server)) return;
      stopped.add(server.pid);
      const outcome = await terminate(server.pid, STOP_GRACE_MS);
      process.stdout.write(`Stopped ${abbreviate(server.name)} (pid ${server.pid}${outcome === 'killed' ? ', killed after it did not stop in time' : ''})\n`);
    }),
  );
  for (const nats of recordedNatsProcesses(state)) {
    if (!isNatsRunning(nats)) continue;
    stopped.add(nats.pid);
    await terminate(nats.pid, 5_000);
    process.stdout.write(`Stopped ${nats.name} (pid ${nats.pid})\n`);
  }
}

/** Stops processes of the domain found by their command lines (`down --force`): servers first, then NATS. */
async function stopFound(root: string, stopped: Set<number>): Promise<void> {
  const found = findDomainProcesses(root).filter((entry) => !stopped.has(entry.pid));
  const servers = found.filter((entry) => entry.kind !== 'nats-server');
  const nats = found.filter((entry) => entry.kind === 'nats-server');
  for (const group of [servers, nats]) {
    await Promise.all(
      group.map(async (entry) => {
        const outcome = await terminate(entry.pid, entry.kind === 'nats-server' ? 5_000 : STOP_GRACE_MS);
        process.stdout.write(`Stopped ${entry.kind} found by its command line (pid ${entry.pid}${outcome === 'killed' ? ', killed after it did not stop in time' : ''})\n`);
      }),
    );
  }
  if (found.length === 0) process.stdout.write('No other process of this domain was found.\n');
}

/** True when a process runs the domsim command, judged by its command line where /proc exists. */
function isDomsim(pid: number): boolean {
  const commandLine = commandLineOf(pid);
  return commandLine === undefined || commandLine.includes('domsim') || commandLine.includes('apps/cli/src/main.js');
}
