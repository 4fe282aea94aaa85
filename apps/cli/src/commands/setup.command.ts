import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { abbreviate } from '@domsim/names';
import {
  createDomain,
  defaultTopologyPath,
  DomainDirectoryError,
  InvalidTopologyError,
  loadTopology,
  readDomainManifest,
  SERVER_SETUP_FILE,
  type Topology,
} from '@domsim/topology';

import { CliError, ExitCode } from '../cli-error';

export interface SetupOptions {
  readonly data: string;
  readonly topology?: string;
  readonly ifMissing: boolean;
}

/**
 * `domsim setup`: creates the domain directory (certifier ID files, each server's
 * server.json) without starting anything, for servers that run elsewhere, e.g. in
 * containers whose volumes are mounted at the data directories.
 */
export async function runSetup(options: SetupOptions): Promise<number> {
  const root = resolve(options.data);
  if (existsSync(root) && !statSync(root).isDirectory()) throw new CliError(`--data ${options.data} is a file, not a directory; give a new or empty directory`, ExitCode.Usage);
  const topologyFile = options.topology === undefined ? defaultTopologyPath() : resolve(options.topology);
  const topology = load(topologyFile);

  const existing = existingSetup(root, topology, options.data);
  if (existing !== undefined) {
    if (!options.ifMissing) throw new CliError(`${existing}; choose another --data directory, or pass --if-missing to accept it`, ExitCode.Usage);
    process.stdout.write(`${existing}; nothing to do.\n`);
    return ExitCode.Ok;
  }

  let manifest;
  try {
    manifest = createDomain(topology, root, { topologySource: options.topology === undefined ? 'the default renovations domain' : topologyFile });
  } catch (error) {
    if (error instanceof DomainDirectoryError) throw new CliError(error.message, ExitCode.Usage);
    throw error;
  }

  const lines = [`Created domain ${manifest.domain} in ${options.data}; nothing was started.`];
  for (const server of manifest.servers) lines.push(`  ${abbreviate(server.name).padEnd(24)} data ${join(root, server.dataDir)}`);
  lines.push('Start each server with its data directory and the NATS URLs, e.g.:');
  lines.push(`  node dist/apps/server/src/main.js --data ${join(root, manifest.servers[0].dataDir)} --nats nats://127.0.0.1:4222`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Ok;
}

function load(file: string): Topology {
  try {
    return loadTopology(file);
  } catch (error) {
    if (error instanceof InvalidTopologyError) throw new CliError(error.message, ExitCode.Usage);
    throw error;
  }
}

/**
 * Describes a domain already set up in the directory: domain.json, or a server.json in
 * every data directory (volumes that outlived the directory around them).
 *
 * @throws CliError when only some data directories are set up.
 */
function existingSetup(root: string, topology: Topology, data: string): string | undefined {
  let manifest;
  try {
    manifest = readDomainManifest(root);
  } catch (error) {
    if (error instanceof DomainDirectoryError) throw new CliError(error.message, ExitCode.Usage);
    throw error;
  }
  if (manifest !== undefined) return `${data} already holds domain ${manifest.domain}`;

  const setUp = topology.servers.filter((server) => existsSync(join(root, server.dataDir, SERVER_SETUP_FILE)));
  if (setUp.length === 0) return undefined;
  if (setUp.length === topology.servers.length) return `every data directory of domain ${topology.domain} in ${data} is already set up`;
  const missing = topology.servers.filter((server) => !setUp.includes(server));
  throw new CliError(
    `${data} is partly set up: ${setUp.map((server) => server.dataDir).join(', ')} hold ${SERVER_SETUP_FILE} but ${missing.map((server) => server.dataDir).join(', ')} do not; empty them all to set up again`,
    ExitCode.Usage,
  );
}
