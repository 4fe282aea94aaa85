import { closeSync, existsSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { isNatsRunning, isServerRunning, natsCredentialEnvironment, processIdentity, type RunState, SERVER_OUTPUT_FILE, spawnServerProcess, startNatsServer, terminate, writeRunState } from '@domsim/launcher';
import { abbreviate } from '@domsim/names';
import { ANY_SERVER, InvalidFaultError, parseLinkFault } from '@domsim/replication';
import { DOMAIN_FILE } from '@domsim/topology';

import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, connectToDomain, type DomainDirectory, openDomainDirectory, readRunStateOrExplain, resolveServerName } from '../domain-context';

export type ServerAction = 'stop' | 'kill' | 'start';
export type NatsAction = 'stop' | 'start' | 'restart';

/**
 * `domsim server stop|kill|start SERVER`: stops a server of a running domain (SIGTERM),
 * crashes it (SIGKILL, as `kill -9`), or starts it again on its data directory.
 */
export async function runServerControl(action: ServerAction, server: string, options: { readonly data: string }): Promise<number> {
  const { root, manifest } = openDomainDirectory(options.data);
  const state = requireRunState(root, options.data);
  const name = resolveServerName(server, { root, manifest });
  const entry = state.servers.find((candidate) => candidate.name === name);
  if (entry === undefined) throw new CliError(`${abbreviate(name)} was not started by domsim up in ${options.data}`);
  const running = isServerRunning(entry);
  const hostMates = state.servers.filter((candidate) => candidate.pid === entry.pid);
  if (hostMates.length > 1) return controlHostedServer(action, name, entry.pid, hostMates.length, options.data, running);

  if (action === 'start') {
    if (running) throw new CliError(`${abbreviate(name)} is already running (pid ${entry.pid})`, ExitCode.Usage);
    const output = openSync(join(entry.dataDir, SERVER_OUTPUT_FILE), 'a', 0o600);
    const child = spawnServerProcess({
      dataDir: entry.dataDir,
      natsUrl: state.natsUrl,
      detached: true,
      stdio: ['ignore', output, output],
      environment: natsCredentialEnvironment(state.natsCredentials),
    });
    closeSync(output);
    writeRunState(root, { ...state, servers: state.servers.map((candidate) => (candidate.name === name ? { ...candidate, pid: child.pid ?? -1, identity: child.pid === undefined ? undefined : processIdentity(child.pid) } : candidate)) });
    const { client } = await connectToDomain({ data: options.data });
    try {
      await client.waitUntilAnswering(name, 30_000);
    } catch (error) {
      throw new CliError(`${abbreviate(name)} started (pid ${child.pid}) but did not answer within 30 s; see ${join(entry.dataDir, SERVER_OUTPUT_FILE)}: ${(error as Error).message}`);
    } finally {
      await client.close();
    }
    process.stdout.write(`Started ${abbreviate(name)} (pid ${child.pid})\n`);
    return ExitCode.Ok;
  }

  if (!running) throw new CliError(`${abbreviate(name)} is not running`, ExitCode.Usage);
  if (action === 'kill') {
    process.kill(entry.pid, 'SIGKILL');
    process.stdout.write(`Killed ${abbreviate(name)} (pid ${entry.pid}) with SIGKILL\n`);
  } else {
    await terminate(entry.pid, 15_000);
    process.stdout.write(`Stopped ${abbreviate(name)} (pid ${entry.pid})\n`);
  }
  return ExitCode.Ok;
}

/**
 * `server stop|kill` for a domain started with `up --in-process`: every server shares one host
 * process, so a signal would end them all. The server is asked over NATS instead, as the
 * console's `sim server stop|kill` does, and the host closes only that server's application.
 */
async function controlHostedServer(action: ServerAction, name: string, hostPid: number, hosted: number, data: string, hostRunning: boolean): Promise<number> {
  if (action === 'start') {
    throw new CliError(
      `${abbreviate(name)} runs inside the in-process host (pid ${hostPid}) with ${hosted - 1} other servers and cannot be started on its own; ` +
        `restart the whole domain with domsim down --data ${data} and domsim up --data ${data} --in-process, or run it without --in-process to start servers one by one`,
      ExitCode.Usage,
    );
  }
  if (!hostRunning) throw new CliError(`${abbreviate(name)} is not running: its in-process host (pid ${hostPid}) has ended`, ExitCode.Usage);

  const { client } = await connectToDomain({ data });
  try {
    const reply = await client.runCommand(name, `sim server ${action} ${name}`, 5_000).catch((error: unknown) => {
      throw new CliError(`${abbreviate(name)} is not running, or its console did not respond: ${(error as Error).message}`, ExitCode.Usage);
    });
    if (!reply.ok) throw new CliError(`${abbreviate(name)} did not accept ${action}: ${reply.lines.join(' ')}`);
    await waitUntilSilent(client, name, 15_000);
  } finally {
    await client.close();
  }
  const verb = action === 'kill' ? 'Crashed' : 'Stopped';
  process.stdout.write(`${verb} ${abbreviate(name)} inside the in-process host (pid ${hostPid}); the other servers keep running\n`);
  return ExitCode.Ok;
}

/** Waits until `server` stops responding to health requests. */
async function waitUntilSilent(client: { health(server: string, timeoutMs?: number): Promise<unknown> }, server: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await client.health(server, 500);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new CliError(`${abbreviate(server)} still responds ${timeoutMs / 1000} s after it was asked to stop`);
}

/**
 * `domsim nats stop|start|restart [--node N]`: stops or starts the private nats-server, or one
 * node of a private NATS cluster, on the same ports; the servers reconnect by themselves.
 */
export async function runNatsControl(action: NatsAction, options: { readonly data: string; readonly node?: number }): Promise<number> {
  const { root } = openDomainDirectory(options.data);
  const state = requireRunState(root, options.data);
  const nodes = natsNodesOf(state);
  if (nodes.length === 0) throw new CliError('this domain uses an external NATS server (up --nats); restart it where it runs', ExitCode.Usage);
  const index = (options.node ?? 1) - 1;
  const node = nodes[index];
  if (node === undefined) throw new CliError(`there is no NATS node ${options.node}; this domain has nodes 1 to ${nodes.length}`, ExitCode.Usage);

  let pid = node.pid;
  if (action === 'stop' && !isNatsRunning(node)) throw new CliError(`NATS node ${index + 1} is not running; start it with: domsim nats start --data ${options.data}${options.node === undefined ? '' : ` --node ${options.node}`}`, ExitCode.Usage);
  // restart on a stopped node only starts it.
  if (action !== 'start' && isNatsRunning(node)) {
    await terminate(node.pid, 5_000);
    process.stdout.write(`Stopped NATS node ${index + 1} (pid ${node.pid})\n`);
  }
  if (action !== 'stop') {
    if (isNatsRunning(node)) throw new CliError(`NATS node ${index + 1} is already running (pid ${node.pid})`, ExitCode.Usage);
    const started = await startNatsServer({ ...node.plan, logFile: node.logFile, detached: true, authorization: state.natsCredentials });
    pid = started.pid;
    process.stdout.write(`Started NATS node ${index + 1} on ${started.url} (pid ${pid})\n`);
  }
  writeRunState(root, updateNatsPid(state, index, pid));
  if (action !== 'stop') await waitForServersToReconnect(state, options.data);
  return ExitCode.Ok;
}

/** Waits until every running server answers again, so the next command finds them connected. */
async function waitForServersToReconnect(state: RunState, data: string): Promise<void> {
  const { client } = await connectToDomain({ data });
  try {
    const running = state.servers.filter(isServerRunning);
    await Promise.all(running.map((server) => client.waitUntilAnswering(server.name, 30_000)));
    process.stdout.write(`${running.length} servers answer again\n`);
  } catch (error) {
    throw new CliError(`NATS is back, but not every server answered within 30 s: ${(error as Error).message}`);
  } finally {
    await client.close();
  }
}

/**
 * `domsim fault FROM TO FAULT...`: checks the servers and the fault here, so a bad value is
 * rejected before any server's fault table changes, then sets it through a server's console.
 */
export async function runFault(from: string, to: string, words: readonly string[], options: ConnectionOptions): Promise<number> {
  const unknownOption = words.find((word) => word.startsWith('--'));
  if (unknownOption !== undefined) throw new CliError(`unknown option '${unknownOption}' for fault; its options are --data, --nats and --domain`, ExitCode.Usage);
  const directory = existsSync(join(resolve(options.data), DOMAIN_FILE)) ? openDomainDirectory(options.data) : undefined;
  const source = faultEnd(from, directory);
  const target = faultEnd(to, directory);
  try {
    parseLinkFault(words);
  } catch (error) {
    if (error instanceof InvalidFaultError) throw new CliError(`${error.message}; nothing was changed`, ExitCode.Usage);
    throw error;
  }
  return runFaultCommand(`sim fault ${source} ${target} ${words.join(' ')}`, options);
}

/** Resolves a link end for the console command: `*`, or a server of the domain, quoted when it contains a space. */
function faultEnd(typed: string, directory: DomainDirectory | undefined): string {
  if (typed === ANY_SERVER) return ANY_SERVER;
  const name = resolveServerName(typed, directory);
  return name.includes(' ') ? `"${name}"` : name;
}

/** `domsim fault` after its checks, and `domsim heal`: link faults through any server's console. */
export async function runFaultCommand(command: string, options: ConnectionOptions): Promise<number> {
  const { client, directory } = await connectToDomain(options);
  try {
    const servers = directory?.manifest.servers.map((server) => server.name) ?? [];
    for (const server of servers) {
      const reply = await client.runCommand(server, command, 10_000).catch(() => undefined);
      if (reply === undefined) continue;
      (reply.ok ? process.stdout : process.stderr).write(reply.lines.map((line) => `${line}\n`).join(''));
      return reply.ok ? ExitCode.Ok : ExitCode.Failed;
    }
    throw new CliError('no server of the domain answered; is it running (domsim status)?');
  } finally {
    await client.close();
  }
}

interface NatsNode {
  readonly pid: number;
  readonly identity?: string;
  readonly logFile: string;
  readonly plan: { host: string; port: number; monitorPort?: number; serverName?: string; cluster?: { name: string; port: number; routes: string[] } };
}

function natsNodesOf(state: RunState): NatsNode[] {
  if (state.natsNodes !== undefined) {
    return state.natsNodes.filter((node) => node.plan !== undefined).map((node) => ({ pid: node.pid, identity: node.identity, logFile: node.logFile, plan: node.plan as NatsNode['plan'] }));
  }
  if (state.nats === undefined) return [];
  const url = new URL(state.natsUrl.split(',')[0]);
  return [{ pid: state.nats.pid, identity: state.nats.identity, logFile: state.nats.logFile, plan: { host: url.hostname, port: Number(url.port) } }];
}

function updateNatsPid(state: RunState, index: number, pid: number): RunState {
  const identity = processIdentity(pid);
  if (state.natsNodes !== undefined) return { ...state, natsNodes: state.natsNodes.map((node, position) => (position === index ? { ...node, pid, identity } : node)) };
  return state.nats === undefined ? state : { ...state, nats: { ...state.nats, pid, identity } };
}

function requireRunState(root: string, data: string): RunState {
  const state = readRunStateOrExplain(root, data);
  if (state === undefined) throw new CliError(`the domain in ${data} is not running; start it with: domsim up --data ${data} --detach`);
  return state;
}
