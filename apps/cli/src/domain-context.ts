import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { DomainClient } from '@domsim/client';
import { InvalidRunStateError, liveProcesses, loadConsoleKeys, readRunState, type RunState } from '@domsim/launcher';
import { abbreviate, InvalidNameError, nameKey } from '@domsim/names';
import { DOMAIN_FILE, DomainDirectoryError, type DomainManifest, readDomainManifest } from '@domsim/topology';

import { CliError, ExitCode } from './cli-error';

export const DEFAULT_DATA_DIRECTORY = './domain';

export interface ConnectionOptions {
  readonly data: string;
  readonly nats?: string;
  readonly domain?: string;
  /** Reconnect attempts after a lost NATS connection (-1: for ever) and the wait between them; default 5 attempts, 2 s apart. */
  readonly reconnect?: { readonly maxAttempts: number; readonly waitMs: number };
}

/** A domain directory with its manifest. */
export interface DomainDirectory {
  readonly root: string;
  readonly manifest: DomainManifest;
}

export function openDomainDirectory(data: string): DomainDirectory {
  const root = resolve(data);
  let manifest: DomainManifest | undefined;
  try {
    manifest = readDomainManifest(root);
  } catch (error) {
    if (error instanceof DomainDirectoryError) throw new CliError(`${error.message}; repair or restore that file, or choose another --data directory`, ExitCode.Usage);
    throw error;
  }
  if (manifest === undefined) {
    const hint = existsSync(root) ? `${root} holds no domain.json` : `${root} does not exist`;
    throw new CliError(`no domain in ${data}: ${hint}; create and start one with: domsim up --data ${data}`, ExitCode.Usage);
  }
  return { root, manifest };
}

/**
 * Connects to a running domain: the NATS URL comes from --nats or from the run.json that
 * `domsim up` wrote; the domain name from --domain or domain.json.
 */
export async function connectToDomain(options: ConnectionOptions): Promise<{ client: DomainClient; directory?: DomainDirectory; runState?: RunState }> {
  if (options.nats !== undefined) {
    const directory = existsSync(resolve(options.data, 'domain.json')) ? openDomainDirectory(options.data) : undefined;
    const domain = options.domain ?? directory?.manifest.domain;
    if (domain === undefined) throw new CliError(`--nats needs --domain NAME when ${options.data} holds no domain.json`, ExitCode.Usage);
    const client = await connect(options.nats, domain, credentialsFromEnvironment(), options.reconnect);
    if (directory !== undefined) loadConsoleKeys(client, directory.root, directory.manifest);
    return { client, directory };
  }

  const directory = openDomainDirectory(options.data);
  const runState = readRunStateOrExplain(directory.root, options.data);
  if (runState === undefined || liveProcesses(runState).length === 0) {
    throw new CliError(`the domain in ${options.data} is not running; start it with: domsim up --data ${options.data} --detach`);
  }
  const hint = runState.nats === undefined && runState.natsNodes === undefined ? 'check that the external NATS server runs' : `domsim status --data ${options.data} lists which processes of the domain still run, and domsim nats start restarts its NATS server`;
  let client: DomainClient;
  try {
    client = await connectToRecordedNats(directory, runState, options.reconnect);
  } catch (error) {
    throw new CliError(`cannot connect to NATS at ${runState.natsUrl}: ${(error as Error).message}; ${hint}`);
  }
  return { client, directory, runState };
}

/**
 * Connects to the NATS server that run.json records, without checking that the domain's
 * processes still run, so `domsim status` can report a domain whose NATS is down.
 *
 * @throws the NATS client's error when NATS cannot be reached.
 */
export async function connectToRecordedNats(directory: DomainDirectory, runState: RunState, reconnect?: ConnectionOptions['reconnect']): Promise<DomainClient> {
  const credentials = runState.natsCredentials ?? credentialsFromEnvironment();
  const client = await DomainClient.connect({ natsUrl: runState.natsUrl, domain: directory.manifest.domain, name: 'domsim cli', credentials, reconnect });
  loadConsoleKeys(client, directory.root, directory.manifest);
  return client;
}

/**
 * Reads the domain's run.json; undefined when there is none.
 *
 * @throws CliError naming the file, what is wrong with it, and how to recover.
 */
export function readRunStateOrExplain(root: string, data: string): RunState | undefined {
  try {
    return readRunState(root);
  } catch (error) {
    if (error instanceof InvalidRunStateError) {
      throw new CliError(
        `${error.message}. Stop the processes of this domain and remove the file with: domsim down --data ${data} --force (it finds them by their command lines), then start it again with domsim up`,
      );
    }
    throw error;
  }
}

/** A NATS login from DOMSIM_NATS_USER and DOMSIM_NATS_PASSWORD, for a domain on an external NATS server. */
export function credentialsFromEnvironment(): { user: string; password: string } | undefined {
  const user = process.env.DOMSIM_NATS_USER;
  const password = process.env.DOMSIM_NATS_PASSWORD;
  return user === undefined || user === '' || password === undefined ? undefined : { user, password };
}

async function connect(natsUrl: string, domain: string, credentials: { user: string; password: string } | undefined, reconnect: ConnectionOptions['reconnect']): Promise<DomainClient> {
  try {
    return await DomainClient.connect({ natsUrl, domain, name: 'domsim cli', credentials, reconnect });
  } catch (error) {
    throw new CliError(`cannot connect to NATS at ${natsUrl}: ${(error as Error).message}; check that a NATS server runs at that address`);
  }
}

/**
 * Resolves a server name before connecting, so a wrong name is reported as such (exit code 2)
 * even when the domain is not running. Uses domain.json where the directory has one.
 */
export function resolveServerBeforeConnecting(typed: string, options: ConnectionOptions): string {
  const hasManifest = existsSync(resolve(options.data, DOMAIN_FILE));
  const directory = options.nats === undefined || hasManifest ? openDomainDirectory(options.data) : undefined;
  return resolveServerName(typed, directory);
}

/**
 * Resolves a server name typed by the user to the canonical name of a server of the
 * domain. Without a directory (a remote domain), any valid hierarchical name is accepted.
 */
export function resolveServerName(typed: string, directory: DomainDirectory | undefined): string {
  let key: string;
  try {
    key = nameKey(typed);
  } catch (error) {
    if (error instanceof InvalidNameError) throw new CliError(`invalid server name "${typed}": ${error.reason}`, ExitCode.Usage);
    throw error;
  }
  if (directory === undefined) return typed;
  const server = directory.manifest.servers.find((candidate) => nameKey(candidate.name) === key);
  if (server === undefined) {
    const names = directory.manifest.servers.map((candidate) => abbreviate(candidate.name)).join(', ');
    throw new CliError(`server ${typed} is not in domain ${directory.manifest.domain}; its servers are ${names}`, ExitCode.Usage);
  }
  return server.name;
}
