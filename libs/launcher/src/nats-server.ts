import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

import { NatsServerNotFoundError, StartTimeoutError } from './errors';
import { canConnect, findFreePort } from './ports';
import { isAlive, terminate, trackAttachedChild, waitFor } from './processes';

export interface NatsServerOptions {
  readonly host?: string;
  /** 0 or absent: a free port. */
  readonly port?: number;
  /** nats-server's own log; created with its directory. */
  readonly logFile?: string;
  /** Keep running after this process exits, for `domsim up --detach`. */
  readonly detached?: boolean;
  readonly startTimeoutMs?: number;
  readonly cluster?: NatsClusterMembership;
  /** HTTP monitoring port (nats-server -m), e.g. for /routez; absent: no monitoring. */
  readonly monitorPort?: number;
  /** Server name shown in NATS monitoring; default domsim-PORT. */
  readonly serverName?: string;
  /** Clients must log in with this user and password; written to a config file readable by its owner only. */
  readonly authorization?: NatsCredentials;
  /** More nats-server arguments, e.g. `-c FILE` for TLS settings. */
  readonly extraArguments?: readonly string[];
}

/** A NATS user and password. */
export interface NatsCredentials {
  readonly user: string;
  readonly password: string;
}

/** One node's part in a NATS cluster: the cluster's name, its own route port and the other nodes' routes. */
export interface NatsClusterMembership {
  readonly name: string;
  readonly port: number;
  readonly routes: readonly string[];
}

/** A nats-server process started by domsim. */
export interface StartedNatsServer {
  readonly url: string;
  readonly pid: number;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Finds the nats-server executable: DOMSIM_NATS_SERVER when set (and then only it), else
 * PATH, then Debian's /usr/sbin.
 */
export function findNatsServerBinary(environment: NodeJS.ProcessEnv = process.env): string {
  const override = environment.DOMSIM_NATS_SERVER;
  const candidates =
    override !== undefined && override !== ''
      ? [override]
      : [
          ...(environment.PATH ?? '').split(delimiter).filter((entry) => entry !== '').map((entry) => join(entry, 'nats-server')),
          '/usr/sbin/nats-server',
          '/usr/bin/nats-server',
          '/usr/local/bin/nats-server',
        ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new NatsServerNotFoundError(candidates);
}

/**
 * Starts a private nats-server listening on loopback and waits until it accepts
 * connections.
 *
 * @throws NatsServerNotFoundError or StartTimeoutError (with the end of its log).
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<StartedNatsServer> {
  const binary = findNatsServerBinary();
  const host = options.host ?? '127.0.0.1';
  const port = options.port !== undefined && options.port !== 0 ? options.port : await findFreePort(host);
  const args = natsServerArguments({ ...options, host, port });
  if (options.authorization !== undefined) args.push('-c', writeAuthorizationConfig(options, port));
  if (options.extraArguments !== undefined) args.push(...options.extraArguments);

  let logDescriptor: number | undefined;
  if (options.logFile !== undefined) {
    mkdirSync(dirname(options.logFile), { recursive: true, mode: 0o700 });
    logDescriptor = openSync(options.logFile, 'a', 0o600);
  }
  const child = spawn(binary, args, {
    detached: options.detached ?? false,
    stdio: ['ignore', logDescriptor ?? 'ignore', logDescriptor ?? 'pipe'],
  });
  if (logDescriptor !== undefined) closeSync(logDescriptor);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  if (options.detached === true) child.unref();
  else trackAttachedChild(child);

  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const ready = await waitFor(async () => child.exitCode !== null || (await canConnect(host, port)), timeoutMs, 10);
  const pid = child.pid ?? -1;
  if (!ready || child.exitCode !== null || !isAlive(pid)) {
    await terminate(pid, 1_000);
    const log = options.logFile === undefined ? stderr : tail(options.logFile);
    throw new StartTimeoutError(`nats-server on ${host}:${port}`, timeoutMs, log.trim());
  }

  return {
    url: `nats://${host}:${port}`,
    pid,
    port,
    process: child,
    stop: async () => {
      await terminate(pid, 5_000);
    },
  };
}

/**
 * The nats-server command line for a node listening on `host:port`, with its cluster
 * membership and monitoring port when given. Used for the binary and for container images
 * whose entry point is nats-server.
 */
export function natsServerArguments(options: NatsServerOptions & { readonly host: string; readonly port: number }): string[] {
  const args = ['-a', options.host, '-p', String(options.port), '-n', options.serverName ?? `domsim-${options.port}`];
  if (options.monitorPort !== undefined) args.push('-m', String(options.monitorPort));
  if (options.cluster !== undefined) {
    args.push('--cluster_name', options.cluster.name, '--cluster', `nats://${options.host}:${options.cluster.port}`);
    if (options.cluster.routes.length > 0) args.push('--routes', options.cluster.routes.join(','));
  }
  return args;
}

/**
 * Writes the authorization block of a private nats-server to a file of its own (mode 0600),
 * so the password never appears on a command line that other users could read.
 */
function writeAuthorizationConfig(options: NatsServerOptions, port: number): string {
  const directory = options.logFile === undefined ? mkdtempSync(join(tmpdir(), 'domsim-nats-')) : dirname(options.logFile);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const file = join(directory, `nats-auth-${port}.conf`);
  const { user, password } = options.authorization as NatsCredentials;
  writeFileSync(file, `authorization {\n  user: ${JSON.stringify(user)}\n  password: ${JSON.stringify(password)}\n}\n`, { mode: 0o600 });
  return file;
}

/** A new random login for a private nats-server. */
export function newNatsCredentials(): NatsCredentials {
  return { user: 'domsim', password: randomBytes(24).toString('base64url') };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}
