import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { DomainClient } from '@domsim/client';
import { abbreviate } from '@domsim/names';
import type { DomainManifest } from '@domsim/topology';

import { loadConsoleKeys } from './console-keys';
import { StartAbortedError, StartTimeoutError } from './errors';
import { natsUrlsForServer, startNatsCluster, type StartedNatsCluster } from './nats-cluster';
import { type NatsCredentials, newNatsCredentials, startNatsServer, type StartedNatsServer } from './nats-server';
import { processIdentity, terminate } from './processes';
import type { RunState } from './run-state';
import { spawnHostProcess, spawnServerProcess } from './server-process';

export interface StartDomainOptions {
  readonly root: string;
  readonly manifest: DomainManifest;
  /**
   * Use this NATS server instead of starting a private one. Several URLs separated by
   * commas are the nodes of a cluster: servers are spread over them round-robin.
   */
  readonly natsUrl?: string;
  /** Start a private NATS cluster of this many nodes instead of one nats-server (ignored with natsUrl). */
  readonly natsCluster?: number;
  /** Leave every process running after this process exits. */
  readonly detached?: boolean;
  /** Receives each console line of each server (foreground mode only). */
  readonly onLine?: (server: string, line: string) => void;
  /** Called when a server process ends on its own (foreground mode only). */
  readonly onExit?: (server: string, code: number | null, signal: NodeJS.Signals | null) => void;
  readonly startTimeoutMs?: number;
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Runs every server in one Node process instead of one process each; each server is still
   * its own NestJS application with its own log and NATS connections.
   */
  readonly inProcess?: boolean;
  /** The login for an external NATS server (natsUrl); a private one gets a new random login. */
  readonly natsCredentials?: NatsCredentials;
  /**
   * Aborting it stops the start: everything started so far is stopped and startDomain
   * rejects with StartAbortedError.
   */
  readonly signal?: AbortSignal;
  /** Receives the run record each time a process has been started, so it can be saved at once. */
  readonly onProcessStarted?: (state: RunState) => void;
}

export interface RunningServer {
  readonly name: string;
  readonly dataDir: string;
  /** The NATS URLs the server was given, its own node first. */
  readonly natsUrl: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** The last lines the process wrote to standard output and errors. */
  outputTail(): string;
}

/** A domain whose processes this process started. */
export interface RunningDomain {
  readonly natsUrl: string;
  /** The NATS login the servers use, when there is one. */
  readonly natsCredentials?: NatsCredentials;
  readonly nats?: StartedNatsServer;
  /** The private NATS cluster, when started with natsCluster. */
  readonly natsCluster?: StartedNatsCluster;
  readonly servers: readonly RunningServer[];
  readonly client: DomainClient;
  runState(): RunState;
  /** Stops the servers, then the private NATS server. */
  stop(): Promise<void>;
}

/** The environment that gives a server process its NATS login. */
export function natsCredentialEnvironment(credentials: NatsCredentials | undefined): Record<string, string> {
  return credentials === undefined ? {} : { DOMSIM_NATS_USER: credentials.user, DOMSIM_NATS_PASSWORD: credentials.password };
}

/** File in a server's data directory that receives its standard output and errors when detached. */
export const SERVER_OUTPUT_FILE = 'server.out';

/**
 * Starts a domain: a private nats-server on loopback unless a URL is given, then the
 * administration server, then the others, and waits until every console answers.
 * On failure everything started so far is stopped and the error carries the server's output.
 */
export async function startDomain(options: StartDomainOptions): Promise<RunningDomain> {
  const root = resolve(options.root);
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const privateNats = options.natsUrl === undefined;
  // A private NATS server takes logins only from this domain's processes.
  const credentials = privateNats ? newNatsCredentials() : options.natsCredentials;
  const authorization = privateNats ? credentials : undefined;
  const environment = { ...options.environment, ...natsCredentialEnvironment(credentials) };
  const servers: RunningServer[] = [];
  let cluster: StartedNatsCluster | undefined;
  let nats: StartedNatsServer | undefined;
  let natsUrls: string[] = options.natsUrl === undefined ? [] : options.natsUrl.split(',').map((url) => url.trim());
  let client: DomainClient | undefined;

  const runState = (): RunState => ({
    format: 1,
    startedAt: new Date().toISOString(),
    natsUrl: natsUrls.join(','),
    // The login of an external NATS server stays in the environment, not in run.json.
    natsCredentials: privateNats ? credentials : undefined,
    nats: nats === undefined ? undefined : { pid: nats.pid, logFile: join(root, 'nats', 'nats-server.log'), identity: processIdentity(nats.pid) },
    natsNodes: cluster === undefined ? undefined : natsNodeRecords(cluster),
    servers: servers.map(({ name, pid, dataDir }) => ({ name, pid, dataDir, identity: processIdentity(pid), ...(options.inProcess === true ? { processMarker: root } : {}) })),
    detached: options.detached ?? false,
  });
  const recordStarted = () => options.onProcessStarted?.(runState());
  const assertNotAborted = () => {
    if (options.signal?.aborted === true) throw new StartAbortedError();
  };
  const stop = async (): Promise<void> => {
    await client?.close().catch(() => undefined);
    await Promise.all([...new Set(servers.map((server) => server.pid))].map((pid) => terminate(pid, 15_000)));
    await nats?.stop();
    await cluster?.stop();
  };

  try {
    if (privateNats && options.natsCluster !== undefined && options.natsCluster > 1) {
      cluster = await startNatsCluster({ nodes: options.natsCluster, logDirectory: join(root, 'nats'), detached: options.detached, authorization });
      natsUrls = [...cluster.urls];
    } else if (privateNats) {
      nats = await startNatsServer({ logFile: join(root, 'nats', 'nats-server.log'), detached: options.detached, authorization });
      natsUrls = [nats.url];
    }
    if (privateNats) recordStarted();
    assertNotAborted();

    const natsUrl = natsUrls.join(',');
    const launch: LaunchContext = { options: { ...options, environment }, root, natsUrls, servers, timeoutMs, recordStarted, assertNotAborted };
    // The launcher's client lives as long as the domain, so it outlasts NATS restarts.
    client = await DomainClient.connect({ natsUrl, domain: options.manifest.domain, name: 'domsim launcher', reconnect: { maxAttempts: -1, waitMs: 250 }, credentials });
    if (options.inProcess === true) {
      await startHostAndWait(launch, client);
    } else {
      const ordered = [...options.manifest.servers].sort((a, b) => Number(b.administrationServer) - Number(a.administrationServer));
      const [first, ...rest] = ordered;
      await startAndWait([first], launch, client);
      await startAndWait(rest, launch, client);
    }
    loadConsoleKeys(client, root, options.manifest);
  } catch (error) {
    await stop();
    throw options.signal?.aborted === true ? new StartAbortedError() : error;
  }

  return { natsUrl: natsUrls.join(','), natsCredentials: credentials, nats, natsCluster: cluster, servers, client, stop, runState };
}

function natsNodeRecords(cluster: StartedNatsCluster): NonNullable<RunState['natsNodes']> {
  return cluster.plans
    .map((plan, index) => {
      const pid = cluster.nodes[index]?.pid ?? 0;
      return {
        pid,
        logFile: cluster.logFileOf(index) ?? '',
        url: plan.url,
        identity: pid > 0 ? processIdentity(pid) : undefined,
        plan: { host: plan.host, port: plan.port, monitorPort: plan.monitorPort, serverName: plan.serverName, cluster: plan.cluster === undefined ? undefined : { ...plan.cluster, routes: [...plan.cluster.routes] } },
      };
    })
    .filter((node) => node.pid > 0);
}

/** State that the steps of startDomain share while it starts servers. */
interface LaunchContext {
  readonly options: StartDomainOptions;
  readonly root: string;
  readonly natsUrls: readonly string[];
  /** Every server started so far; each step appends to it. */
  readonly servers: RunningServer[];
  readonly timeoutMs: number;
  readonly recordStarted: () => void;
  readonly assertNotAborted: () => void;
}

async function startAndWait(entries: DomainManifest['servers'], launch: LaunchContext, client: DomainClient): Promise<void> {
  launch.assertNotAborted();
  const started = entries.map((entry) => {
    const server = startServer(entry.name, join(launch.root, entry.dataDir), natsUrlsForServer(launch.natsUrls, launch.servers.length), launch.options);
    launch.servers.push(server);
    return server;
  });
  launch.recordStarted();
  await Promise.all(started.map((server) => waitUntilAnswering(server, client, launch.timeoutMs, launch.options.signal)));
}

/** Starts the one host process of an in-process domain and waits until all its servers answer. */
async function startHostAndWait(launch: LaunchContext, client: DomainClient): Promise<void> {
  const { options, root, servers, timeoutMs } = launch;
  const natsUrl = launch.natsUrls.join(',');
  launch.assertNotAborted();
  const hostOutput = join(root, SERVER_OUTPUT_FILE);
  let child;
  const recent: string[] = [];
  if (options.detached === true) {
    const output = openSync(hostOutput, 'a', 0o600);
    child = spawnHostProcess({ root, natsUrl, detached: true, stdio: ['ignore', output, output], environment: options.environment });
    closeSync(output);
  } else {
    child = spawnHostProcess({ root, natsUrl, stdio: ['ignore', 'pipe', 'pipe'], environment: options.environment });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on('line', (line) => {
        recent.push(line);
        if (recent.length > TAIL_LINES) recent.shift();
        options.onLine?.('host', line);
      });
    }
    child.once('exit', (code, signal) => options.onExit?.('host', code, signal));
  }
  const outputTail = () => (options.detached === true ? fileTail(hostOutput) : recent.join('\n'));
  for (const entry of options.manifest.servers) {
    servers.push({ name: entry.name, dataDir: join(root, entry.dataDir), natsUrl, pid: child.pid ?? -1, process: child, outputTail });
  }
  launch.recordStarted();
  // One exit watch for the host, shared by every server it hosts: a listener per server would
  // pile up on the one child process.
  const hostExit = watchExit(child, 'the host process', timeoutMs, outputTail);
  try {
    await Promise.all(servers.map((server) => waitUntilAnswering(server, client, timeoutMs, options.signal, hostExit.exited)));
  } finally {
    hostExit.dispose();
  }
}

function startServer(name: string, dataDir: string, natsUrl: string, options: StartDomainOptions): RunningServer {
  if (options.detached === true) {
    const output = openSync(join(dataDir, SERVER_OUTPUT_FILE), 'a', 0o600);
    const child = spawnServerProcess({ dataDir, natsUrl, detached: true, stdio: ['ignore', output, output], environment: options.environment });
    closeSync(output);
    return { name, dataDir, natsUrl, pid: child.pid ?? -1, process: child, outputTail: () => fileTail(join(dataDir, SERVER_OUTPUT_FILE)) };
  }

  const child = spawnServerProcess({ dataDir, natsUrl, stdio: ['ignore', 'pipe', 'pipe'], environment: options.environment });
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > TAIL_LINES) recent.shift();
      options.onLine?.(name, line);
    });
  }
  child.once('exit', (code, signal) => options.onExit?.(name, code, signal));
  return { name, dataDir, natsUrl, pid: child.pid ?? -1, process: child, outputTail: () => recent.join('\n') };
}

/** Watches `child` for an early exit: returns a promise that rejects when it exits, and a function that stops watching. */
function watchExit(child: ChildProcess, what: string, timeoutMs: number, outputTail: () => string): { exited: Promise<never>; dispose: () => void } {
  let onExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;
  const exited = new Promise<never>((_resolve, reject) => {
    onExit = (code, signal) => reject(new StartTimeoutError(what, timeoutMs, `the process exited (${signal ?? `code ${code}`}) before it answered:\n${outputTail()}`));
    child.once('exit', onExit);
  });
  // Once the servers respond, `exited` is no longer awaited, so a later rejection must not count as unhandled.
  exited.catch(() => undefined);
  return { exited, dispose: () => onExit !== undefined && child.off('exit', onExit) };
}

async function waitUntilAnswering(server: RunningServer, client: DomainClient, timeoutMs: number, signal: AbortSignal | undefined, hostExited?: Promise<never>): Promise<void> {
  const watch = hostExited === undefined ? watchExit(server.process, `server ${abbreviate(server.name)}`, timeoutMs, server.outputTail) : { exited: hostExited, dispose: () => undefined };
  const aborted = new Promise<never>((_resolve, reject) => {
    if (signal?.aborted === true) reject(new StartAbortedError());
    signal?.addEventListener('abort', () => reject(new StartAbortedError()), { once: true });
  });
  // A stop signal may never come, or come after the race is decided, and then no caller awaits it.
  aborted.catch(() => undefined);
  try {
    await Promise.race([client.waitUntilAnswering(server.name, timeoutMs), watch.exited, aborted]);
  } catch (error) {
    if (error instanceof StartTimeoutError || error instanceof StartAbortedError) throw error;
    throw new StartTimeoutError(`server ${abbreviate(server.name)}`, timeoutMs, server.outputTail());
  } finally {
    watch.dispose();
  }
}

const TAIL_LINES = 20;

function fileTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-TAIL_LINES).join('\n');
  } catch {
    return '(no output recorded)';
  }
}
