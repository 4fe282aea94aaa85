import { resolve } from 'node:path';

import { type DomainClient, type HealthReply, replicasAgree } from '@domsim/client';
import {
  findNatsServerBinary,
  liveProcesses,
  NatsServerNotFoundError,
  readRunState,
  removeRunState,
  type RunningDomain,
  StartTimeoutError,
  startDomain,
  waitFor,
  writeRunState,
} from '@domsim/launcher';
import { abbreviate } from '@domsim/names';
import {
  createDomain,
  defaultTopologyPath,
  DomainDirectoryError,
  type DomainManifest,
  InvalidTopologyError,
  loadTopology,
  readDomainManifest,
} from '@domsim/topology';
import type { StartedUiServer } from '@domsim/ui';

import { CliError, ExitCode } from '../cli-error';
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
 * and either returns (--detach) or streams every console until Ctrl-C.
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
  const manifest = prepareDomain(root, options);
  assertNotRunning(root, options.data);

  const domain = await start(root, manifest, options);
  writeRunState(root, { ...domain.runState(), supervisorPid: options.detach ? undefined : process.pid });
  const converged = await waitForConvergence(domain.client, manifest);
  printSummary(domain, manifest, options, converged);

  if (options.detach) {
    await domain.client.close();
    return ExitCode.Ok;
  }
  const ui = options.ui === true ? await startLiveView(domain.client, root, manifest, { host: options.uiHost ?? '127.0.0.1', port: options.uiPort ?? 0 }) : undefined;
  if (ui !== undefined) process.stdout.write(`Live view of domain ${manifest.domain}: ${ui.url}\n`);
  return superviseUntilStopped(root, domain, ui);
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

function prepareDomain(root: string, options: UpOptions): DomainManifest {
  let existing: DomainManifest | undefined;
  try {
    existing = readDomainManifest(root);
  } catch (error) {
    if (error instanceof DomainDirectoryError) throw new CliError(error.message, ExitCode.Usage);
    throw error;
  }
  if (existing !== undefined) {
    if (options.topology !== undefined) {
      throw new CliError(
        `${options.data} already holds domain ${existing.domain} (created from ${existing.topologySource}); omit --topology to restart it, or choose another --data directory`,
        ExitCode.Usage,
      );
    }
    return existing;
  }

  const topologyFile = options.topology === undefined ? defaultTopologyPath() : resolve(options.topology);
  try {
    const topology = loadTopology(topologyFile);
    const manifest = createDomain(topology, root, { topologySource: options.topology === undefined ? 'the default renovations domain' : topologyFile });
    process.stdout.write(`Created domain ${manifest.domain} in ${options.data} (${manifest.servers.length} servers)\n`);
    return manifest;
  } catch (error) {
    if (error instanceof InvalidTopologyError || error instanceof DomainDirectoryError) throw new CliError(error.message, ExitCode.Usage);
    throw error;
  }
}

function assertNotRunning(root: string, data: string): void {
  const state = readRunState(root);
  if (state === undefined) return;
  const live = liveProcesses(state);
  if (live.length > 0) {
    const list = live.map((entry) => `${entry.name.startsWith('CN=') ? abbreviate(entry.name) : entry.name} (pid ${entry.pid})`).join(', ');
    throw new CliError(`the domain in ${data} is already running: ${list}; stop it first with: domsim down --data ${data}`, ExitCode.Usage);
  }
  removeRunState(root);
}

async function start(root: string, manifest: DomainManifest, options: UpOptions): Promise<RunningDomain> {
  const width = Math.max(...manifest.servers.map((server) => abbreviate(server.name).length));
  try {
    return await startDomain({
      root,
      manifest,
      natsUrl: options.nats,
      natsCluster: options.natsCluster,
      inProcess: options.inProcess,
      detached: options.detach,
      startTimeoutMs: options.timeout * 1000,
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

async function superviseUntilStopped(root: string, domain: RunningDomain, ui: StartedUiServer | undefined): Promise<number> {
  const signal = await new Promise<NodeJS.Signals | 'exited'>((resolveStop) => {
    process.once('SIGINT', () => resolveStop('SIGINT'));
    process.once('SIGTERM', () => resolveStop('SIGTERM'));
    let running = domain.servers.length;
    for (const server of domain.servers) {
      server.process.once('exit', () => {
        running -= 1;
        if (running === 0) resolveStop('exited');
      });
    }
  });
  process.stdout.write(signal === 'exited' ? 'Every server has stopped; stopping NATS.\n' : 'Stopping the domain...\n');
  await ui?.stop();
  await domain.stop();
  removeRunState(root);
  process.stdout.write('Domain stopped; its data is kept.\n');
  return signal === 'exited' ? ExitCode.Failed : ExitCode.Ok;
}

/** A server's abbreviated name; the host process of an in-process domain is `host`. */
function label(server: string): string {
  try {
    return abbreviate(server);
  } catch {
    return server;
  }
}
