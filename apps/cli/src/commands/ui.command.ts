import { isIP } from 'node:net';
import { join } from 'node:path';

import type { DomainClient } from '@domsim/client';
import type { DomainManifest } from '@domsim/topology';
import { type KnownServer, startUiServer, type StartedUiServer } from '@domsim/ui';

import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, connectToDomain } from '../domain-context';

export interface UiOptions extends ConnectionOptions {
  readonly host: string;
  readonly port: number;
}

/**
 * Checks the address the live view listens on. Only loopback is accepted because the page
 * has no TLS, and administrator passwords typed into it must not cross a network.
 */
export function assertLoopbackHost(host: string): void {
  const loopback = host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  if (!loopback) {
    throw new CliError(`--host ${host} is not a loopback address; the live view serves plain HTTP, so it listens on 127.0.0.1, another 127.x.x.x address, ::1 or localhost only`, ExitCode.Usage);
  }
}

const LIVE_VIEW_RECONNECT = { maxAttempts: -1, waitMs: 1_000 };

/** Starts the live view for a domain this process is connected to; used by `domsim ui` and `domsim up --ui`. */
export function startLiveView(client: DomainClient, root: string, manifest: DomainManifest, options: { readonly host: string; readonly port: number }): Promise<StartedUiServer> {
  return startUiServer({
    client,
    domain: manifest.domain,
    servers: knownServersOf(manifest).map((server, index) => ({ ...server, dataDir: join(root, manifest.servers[index].dataDir) })),
    connections: manifest.connections,
    host: options.host,
    port: options.port,
  });
}

/**
 * Returns each server's roles and cluster as domain.json records them.
 * NOTE: a domain.json written before it recorded clusters and vaults gives only the
 * administration server; the view then learns the rest from the servers' health replies.
 */
export function knownServersOf(manifest: DomainManifest): KnownServer[] {
  return manifest.servers.map((server) => ({
    name: server.name,
    administrationServer: server.administrationServer,
    idVault: manifest.vaults?.some((vault) => vault.servers.includes(server.name)),
    cluster: manifest.clusters?.find((cluster) => cluster.servers.includes(server.name))?.name,
  }));
}

/** `domsim ui`: serves the live view of a running domain until Ctrl-C. */
export async function runUi(options: UiOptions): Promise<number> {
  assertLoopbackHost(options.host);
  // The view runs until Ctrl-C, so it keeps reconnecting through NATS restarts.
  const { client, directory } = await connectToDomain({ ...options, reconnect: LIVE_VIEW_RECONNECT });
  if (directory === undefined) {
    await client.close();
    throw new CliError('domsim ui reads the list of servers from the domain directory, and there is none; give --data DIR for the directory that domsim up created', ExitCode.Usage);
  }

  let ui: StartedUiServer;
  try {
    ui = await startLiveView(client, directory.root, directory.manifest, options);
  } catch (error) {
    await client.close();
    throw new CliError(`cannot start the live view on ${options.host}:${options.port}: ${(error as Error).message}; choose another --port`);
  }
  process.stdout.write(`Live view of domain ${directory.manifest.domain}: ${ui.url}\nPress Ctrl-C to stop it; the domain keeps running.\n`);

  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  await ui.stop();
  await client.close();
  return ExitCode.Ok;
}
