import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { type DomainClient, type HealthReply, replicasAgree } from '@domsim/client';
import {
  acquireDomainLock,
  type DomainLock,
  DomainLockedError,
  findNatsServerBinary,
  isNatsRunning,
  isServerRunning,
  liveProcesses,
  NatsServerNotFoundError,
  processIdentity,
  readDomainLock,
  readRunState,
  recordedNatsProcesses,
  removeRunState,
  type RunningDomain,
  type RunState,
  StartAbortedError,
  StartTimeoutError,
  startDomain,
  waitFor,
  writeRunState,
} from '@domsim/launcher';
import { abbreviate } from '@domsim/names';
import {
  createDomain,
  defaultTopologyPath,
  DOMAIN_LOCK_FILE,
  DomainDirectoryError,
  type DomainManifest,
  InvalidTopologyError,
  loadTopology,
  readDomainManifest,
} from '@domsim/topology';
import type { StartedUiServer } from '@domsim/ui';

import { CliError, ExitCode } from '../cli-error';
import { credentialsFromEnvironment, readRunStateOrExplain } from '../domain-context';
import { signalExitCode, type StopSignalWatch, watchStopSignals } from '../stop-signals';
import { assertLoopbackHost, startLiveView } from './ui.command';

export interface UpOptions {
  readonly data: string;
  readonly topology?: string;
  readonly nats?: string;
  readonly natsCluster?: number;
  readonly inProcess?: boolean;
  readonly detach: boolean;
  readonly timeout: number;
  readonly ui?: boolean;
  readonly uiHost?: string;
  readonly uiPort?: number;
}

/** How long `up` waits for newly started servers to hold the same replicas. */
const CONVERGENCE_TIMEOUT_MS = 15_000;

/**
 * `domsim up`: creates the domain directory on first use, starts NATS and the servers,
 * and either returns (--detach) or streams every console until Ctrl-C. Every process is
 * recorded in run.json as soon as it starts, and a stop signal at any stage stops them all.
 */
export async function runUp(options: UpOptions): Promise<number> {
  const root = resolve(options.data);
  if (options.nats !== undefined && options.natsCluster !== undefined) {
    throw new CliError('--nats and --nats-cluster exclude each other: --nats uses NATS servers you run, --nats-cluster starts private ones', ExitCode.Usage);
  }
  if (options.ui === true && options.detach) {
    throw new CliError('--ui serves the live view while up runs in the foreground, so it cannot go with --detach; after up --detach, run: domsim ui --data DIR', ExitCode.Usage);
  }
  if (options.ui === true) assertLoopbackHost(options.uiHost ?? '127.0.0.1');
  if (options.nats === undefined) findNatsServer();

  const stopSignals = watchStopSignals(() => forceStop(root));
  let lock: DomainLock | undefined;
  try {
    const prepared = prepareDomain(root, options);
    lock = prepared.lock;
    assertNotRunning(root, options.data);
    return await startAndRun(root, prepared.manifest, options, stopSignals);
  } finally {
    stopSignals.dispose();
    lock?.release();
  }
}

async function startAndRun(root: string, manifest: DomainManifest, options: UpOptions, stopSignals: StopSignalWatch): Promise<number> {
  const supervisor = options.detach ? {} : { supervisorPid: process.pid, supervisorIdentity: processIdentity(process.pid) };
  let domain: RunningDomain;
  try {
    domain = await start(root, manifest, options, stopSignals.signal, (state) => writeRunState(root, { ...state, ...supervisor }));
  } catch (error) {
    if (!(error instanceof StartAbortedError)) {
      removeRunState(root);
      throw error;
    }
    removeRunState(root);
    const signal = stopSignals.received() as NodeJS.Signals;
    process.stderr.write(`domsim: ${signal} received while the domain was starting; every process it had started is stopped.\n`);
    return signalExitCode(signal);
  }
  writeRunState(root, { ...domain.runState(), ...supervisor });

  const converged = await Promise.race([waitForConvergence(domain.client, manifest), stopSignals.next()]);
  if (typeof converged !== 'boolean') return stopAfterSignal(root, domain, converged);
  printSummary(domain, manifest, options, converged);

  if (options.detach) {
    await domain.client.close();
    return ExitCode.Ok;
  }
  let ui: StartedUiServer | undefined;
  try {
    ui = options.ui === true ? await startLiveView(domain.client, root, manifest, { host: options.uiHost ?? '127.0.0.1', port: options.uiPort ?? 0 }) : undefined;
  } catch (error) {
    await domain.stop();
    removeRunState(root);
    throw error;
  }
  if (ui !== undefined) process.stdout.write(`Live view of domain ${manifest.domain}: ${ui.url}\n`);
  return superviseUntilStopped(root, domain, stopSignals, ui);
}

/** Stops a domain that started but whose `up` was asked to stop before it returned. */
async function stopAfterSignal(root: string, domain: RunningDomain, signal: NodeJS.Signals): Promise<number> {
  process.stderr.write(`domsim: ${signal} received; stopping the domain...\n`);
  await domain.stop();
  removeRunState(root);
  process.stderr.write('domsim: every process this up started is stopped; the data is kept.\n');
  return signalExitCode(signal);
}

/**
 * Kills every process run.json records, at once, when a second stop signal arrives while the
 * first is still being handled; then exits.
 */
function forceStop(root: string): never {
  try {
    const state = readRunState(root);
    const pids = state === undefined ? [] : [...state.servers.filter(isServerRunning).map((server) => server.pid), ...recordedNatsProcesses(state).filter(isNatsRunning).map((nats) => nats.pid)];
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    removeRunState(root);
    process.stderr.write(`domsim: second stop signal; killed ${pids.length} processes with SIGKILL.\n`);
  } catch (error) {
    process.stderr.write(`domsim: second stop signal; could not kill every process (${(error as Error).message}); run: domsim down --data ${root} --force\n`);
  }
  releaseOwnLock(root);
  process.exit(ExitCode.Failed);
}

/** Fails before anything is created when the private NATS server cannot be started. */
function findNatsServer(): void {
  try {
    findNatsServerBinary();
  } catch (error) {
    if (error instanceof NatsServerNotFoundError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * Opens the domain in `root`, creating it from the topology on first use, and takes its lock.
 * A new domain's topology is validated before anything is created; a directory this call
 * created is removed again when the domain cannot be created in it.
 */
function prepareDomain(root: string, options: UpOptions): { manifest: DomainManifest; lock: DomainLock } {
  if (existsSync(root) && !statSync(root).isDirectory()) throw new CliError(`--data ${options.data} is a file, not a directory; give a new or existing domain directory`, ExitCode.Usage);
  let existing: DomainManifest | undefined;
  try {
    existing = readDomainManifest(root);
  } catch (error) {
    if (error instanceof DomainDirectoryError) throw new CliError(`${error.message}; repair or remove that file, or choose another --data directory`, ExitCode.Usage);
    throw error;
  }
  if (existing !== undefined) {
    if (options.topology !== undefined) {
      throw new CliError(
        `${options.data} already holds domain ${existing.domain} (created from ${existing.topologySource}); omit --topology to restart it, or choose another --data directory`,
        ExitCode.Usage,
      );
    }
    return { manifest: existing, lock: lockDomain(root, options.data) };
  }

  const topologyFile = options.topology === undefined ? defaultTopologyPath() : resolve(options.topology);
  let topology;
  try {
    topology = loadTopology(topologyFile);
  } catch (error) {
    if (error instanceof InvalidTopologyError) throw new CliError(error.message, ExitCode.Usage);
    throw error;
  }

  const createdRoot = !existsSync(root);
  makeDirectories(root);
  const lock = lockDomain(root, options.data);
  try {
    const manifest = createDomain(topology, root, { topologySource: options.topology === undefined ? 'the default renovations domain' : topologyFile });
    process.stdout.write(`Created domain ${manifest.domain} in ${options.data} (${manifest.servers.length} servers)\n`);
    return { manifest, lock };
  } catch (error) {
    lock.release();
    if (createdRoot) rmSync(root, { recursive: true, force: true });
    if (error instanceof DomainDirectoryError) throw new CliError(error.message, ExitCode.Usage);
    throw error;
  }
}

/**
 * Creates a directory and its missing parents one level at a time.
 * NOTE: mkdirSync with `recursive: true` looped forever on `--data /proc/x` as root (Node 20).
 * Creating each level on its own fails at once instead.
 */
function makeDirectories(directory: string): void {
  if (existsSync(directory)) return;
  makeDirectories(dirname(directory));
  mkdirSync(directory, { mode: 0o700 });
}

/** Takes the domain directory's lock, so a second `up` on it at the same time is rejected. */
function lockDomain(root: string, data: string): DomainLock {
  try {
    return acquireDomainLock(root, 'up');
  } catch (error) {
    if (error instanceof DomainLockedError) {
      throw new CliError(
        `the domain in ${data} is in use: domsim ${error.holder.command} (pid ${error.holder.pid}, since ${error.holder.since}) holds ${error.file}; wait for it to finish, or stop it with: domsim down --data ${data}`,
        ExitCode.Usage,
      );
    }
    throw error;
  }
}

/** Removes the lock file when this process holds it; for exits that skip the finally blocks. */
function releaseOwnLock(root: string): void {
  const holder = readDomainLock(root);
  if (holder?.pid === process.pid) rmSync(join(root, DOMAIN_LOCK_FILE), { force: true });
}

function assertNotRunning(root: string, data: string): void {
  const state = readRunStateOrExplain(root, data);
  if (state === undefined) return;
  const live = liveProcesses(state);
  if (live.length > 0) {
    const list = live.map((entry) => `${entry.name.startsWith('CN=') ? abbreviate(entry.name) : entry.name} (pid ${entry.pid})`).join(', ');
    throw new CliError(`the domain in ${data} is already running: ${list}; stop it first with: domsim down --data ${data}`, ExitCode.Usage);
  }
  removeRunState(root);
}

async function start(root: string, manifest: DomainManifest, options: UpOptions, signal: AbortSignal, onProcessStarted: (state: RunState) => void): Promise<RunningDomain> {
  const width = Math.max(...manifest.servers.map((server) => abbreviate(server.name).length));
  try {
    return await startDomain({
      root,
      manifest,
      natsUrl: options.nats,
      // An external NATS server may need a login; a private one gets a fresh login from startDomain.
      natsCredentials: options.nats === undefined ? undefined : credentialsFromEnvironment(),
      natsCluster: options.natsCluster,
      inProcess: options.inProcess,
      detached: options.detach,
      startTimeoutMs: options.timeout * 1000,
      signal,
      onProcessStarted,
      onLine: options.detach ? undefined : (server, line) => process.stdout.write(`${label(server).padEnd(width)} | ${line}\n`),
      onExit: options.detach
        ? undefined
        : (server, code, signal) => process.stdout.write(`${label(server).padEnd(width)} | (process ended: ${signal ?? `exit code ${code}`})\n`),
    });
  } catch (error) {
    if (error instanceof NatsServerNotFoundError || error instanceof StartTimeoutError) throw new CliError(error.message);
    throw error;
  }
}

/** Waits until every replica has the same digest on every server that hosts it. */
async function waitForConvergence(client: DomainClient, manifest: DomainManifest): Promise<boolean> {
  return waitFor(
    async () => {
      const replies = await Promise.all(manifest.servers.map((server) => client.health(server.name).catch(() => undefined)));
      return replies.every((reply) => reply !== undefined) && replicasAgree(replies as HealthReply[]);
    },
    CONVERGENCE_TIMEOUT_MS,
    50,
  );
}

function printSummary(domain: RunningDomain, manifest: DomainManifest, options: UpOptions, converged: boolean): void {
  const privateNats = domain.natsCluster !== undefined ? ` (private NATS cluster of ${domain.natsCluster.urls.length} nodes)` : domain.nats !== undefined ? ' (private nats-server)' : '';
  const lines = [`Domain ${manifest.domain} is up on NATS ${domain.natsUrl}${privateNats}:`];
  for (const server of domain.servers) {
    const node = domain.natsCluster === undefined ? '' : `  NATS ${server.natsUrl.split(',')[0]}`;
    lines.push(`  ${abbreviate(server.name).padEnd(24)} pid ${String(server.pid).padEnd(8)} data ${server.dataDir}${node}`);
  }
  lines.push(converged ? 'Every server holds the same directory.' : 'Replicas have not converged yet; check domsim status.');
  if (options.detach) {
    lines.push(`Run a command:  domsim exec ${abbreviate(manifest.servers[0].name)} 'show idvault' --data ${options.data}`);
    lines.push(`Stop it:        domsim down --data ${options.data}`);
  } else {
    lines.push('Press Ctrl-C to stop the domain.');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function superviseUntilStopped(root: string, domain: RunningDomain, stopSignals: StopSignalWatch, ui: StartedUiServer | undefined): Promise<number> {
  const allExited = new Promise<'exited'>((resolveExit) => {
    let running = domain.servers.length;
    for (const server of domain.servers) {
      server.process.once('exit', () => {
        running -= 1;
        if (running === 0) resolveExit('exited');
      });
    }
  });
  const reason = await Promise.race([stopSignals.next(), allExited]);
  process.stdout.write(reason === 'exited' ? 'Every server has stopped; stopping NATS.\n' : 'Stopping the domain...\n');
  await ui?.stop();
  await domain.stop();
  removeRunState(root);
  process.stdout.write('Domain stopped; its data is kept.\n');
  return reason === 'exited' ? ExitCode.Failed : ExitCode.Ok;
}

/** A server's abbreviated name; the host process of an in-process domain is `host`. */
function label(server: string): string {
  try {
    return abbreviate(server);
  } catch {
    return server;
  }
}
