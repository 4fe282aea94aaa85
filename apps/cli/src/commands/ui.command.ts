import { isIP } from 'node:net';
import { join } from 'node:path';

import type { DomainClient } from '@domsim/client';
import { canonicalize, nameKey } from '@domsim/names';
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
/** How long `domsim ui --nats` listens for servers; longer than the replicator's 2 s heartbeat. */
const DISCOVERY_WAIT_MS = 3_000;

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
 * NOTE: a domain.json from before clusters and vaults were recorded names only the
 * administration server. The view then takes the rest from the servers' health replies.
 */
export function knownServersOf(manifest: DomainManifest): KnownServer[] {
  return manifest.servers.map((server) => ({
    name: server.name,
    administrationServer: server.administrationServer,
    idVault: manifest.vaults?.some((vault) => vault.servers.includes(server.name)),
    cluster: manifest.clusters?.find((cluster) => cluster.servers.includes(server.name))?.name,
  }));
}

/**
 * Starts the live view of a domain known only by its NATS URL and name (`--nats URL --domain
 * NAME` without a domain.json). Its servers are those that publish on NATS, together with
 * the Server documents in names.nsf, which also list stopped servers and their clusters.
 * NOTE: the Servers view does not show which server is the administration server, so none is
 * marked, and console keys come from the servers' health replies (trusted on first use).
 */
async function startDiscoveredLiveView(client: DomainClient, options: UiOptions): Promise<StartedUiServer> {
  const publishing = await client.discoverServers(DISCOVERY_WAIT_MS);
  if (publishing.length === 0) {
    throw new CliError(`no server of domain ${client.domain} published on NATS at ${withoutPassword(options.nats ?? '')} within ${DISCOVERY_WAIT_MS / 1_000} s; check --nats and --domain, and that the domain is running`);
  }
  const servers = await serverDocumentsOf(client, publishing);
  return startUiServer({ client, domain: client.domain, servers, host: options.host, port: options.port });
}

/** Reads the Servers view of names.nsf from the first publishing server that responds; falls back to the publishing servers. */
async function serverDocumentsOf(client: DomainClient, publishing: readonly string[]): Promise<KnownServer[]> {
  const known = new Map<string, KnownServer>(publishing.map((name) => [nameKey(name), { name, administrationServer: false }]));
  for (const server of publishing) {
    const view = await client.view(server, 'names.nsf', 'Servers', 2_000).catch(() => undefined);
    if (view === undefined) continue;
    for (const row of view.rows) {
      const typed = row.values['Server Name'];
      const name = typed === undefined ? undefined : tryCanonicalize(typed);
      if (name === undefined) continue;
      known.set(nameKey(name), { name, administrationServer: false, cluster: row.values.Cluster || undefined });
    }
    break;
  }
  return [...known.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Removes a user and password from a NATS URL before it is shown. */
function withoutPassword(url: string): string {
  return url.replace(/\/\/[^/@]*@/g, '//');
}

function tryCanonicalize(name: string): string | undefined {
  try {
    return canonicalize(name);
  } catch {
    return undefined;
  }
}

/** `domsim ui`: serves the live view of a running domain until Ctrl-C. */
export async function runUi(options: UiOptions): Promise<number> {
  assertLoopbackHost(options.host);
  // The view runs until Ctrl-C, so it keeps reconnecting through NATS restarts.
  const { client, directory } = await connectToDomain({ ...options, reconnect: LIVE_VIEW_RECONNECT });

  let ui: StartedUiServer;
  try {
    ui = directory === undefined ? await startDiscoveredLiveView(client, options) : await startLiveView(client, directory.root, directory.manifest, options);
  } catch (error) {
    await client.close();
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot start the live view on ${options.host}:${options.port}: ${(error as Error).message}; choose another --port`);
  }
  process.stdout.write(`Live view of domain ${client.domain}: ${ui.url}\nPress Ctrl-C to stop it; the domain keeps running.\n`);

  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
    // A closed terminal stops the live view like Ctrl-C.
    process.once('SIGHUP', () => resolveStop());
  });
  await ui.stop();
  await client.close();
  return ExitCode.Ok;
}
