import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { z } from 'zod';

import { newReplicaId } from '@domsim/directory';
import { newVaultKeyFile, VAULT_KEY_DIRECTORY, vaultKeyFile } from '@domsim/mfa';
import { nameKey, parseName } from '@domsim/names';
import { createCertifierId } from '@domsim/pki';
import { parseInterval } from '@domsim/replication';

import {
  buildNamesDocuments,
  buildVaultDocuments,
  type DomainCertifier,
  NAMES_NSF,
  namesTitle,
  newVaultOperationsKey,
  vaultCommonName,
} from './initial-directory';
import { INITIAL_DOCUMENTS_FILE, type InitialDocuments, SERVER_SETUP_FILE, type ServerSetup } from './server-setup';
import type { Topology } from './topology';

/** File name of the domain manifest at the top of a domain directory. */
export const DOMAIN_FILE = 'domain.json';
/** Lock file that `domsim up` creates in a domain directory while it runs; creating a domain ignores it. */
export const DOMAIN_LOCK_FILE = 'domsim.lock';

const manifestSchema = z.strictObject({
  format: z.literal(1),
  domain: z.string().min(1),
  createdAt: z.string(),
  topologySource: z.string(),
  servers: z.array(z.strictObject({ name: z.string().min(1), dataDir: z.string().min(1), administrationServer: z.boolean() })).min(1),
  // Recorded so the live view can show them for servers that do not respond. A domain.json
  // written by an earlier domsim lacks them.
  clusters: z.array(z.strictObject({ name: z.string().min(1), servers: z.array(z.string().min(1)) })).optional(),
  /** Enabled Connection documents, with the repeat interval in seconds. */
  connections: z.array(z.strictObject({ source: z.string().min(1), destination: z.string().min(1), type: z.string().min(1), intervalSeconds: z.number() })).optional(),
  /** ID vaults and the servers that host them. */
  vaults: z.array(z.strictObject({ name: z.string().min(1), servers: z.array(z.string().min(1)) })).optional(),
});

/** What `domsim up` needs to know about a domain directory it created. */
export type DomainManifest = z.infer<typeof manifestSchema>;

/** The domain directory already holds a domain or something else. */
export class DomainDirectoryError extends Error {
  readonly code = 'DOMAIN_DIRECTORY';

  constructor(
    readonly directory: string,
    reason: string,
  ) {
    super(`cannot use ${directory} as a domain directory: ${reason}`);
    this.name = 'DomainDirectoryError';
  }
}

export interface CreateDomainOptions {
  /** Shown in domain.json: the topology file the domain was created from. */
  readonly topologySource: string;
  readonly now?: Date;
}

/**
 * Creates a domain directory the way Domino's first-server setup does: certifier ID files
 * in the data directories the topology names, a setup file per server, and the documents
 * the administration server (and each vault's first server) will write as their first events.
 * Every server's data directory is created with owner-only permissions.
 */
export function createDomain(topology: Topology, directory: string, options: CreateDomainOptions): DomainManifest {
  const root = resolve(directory);
  assertUsable(root);
  const now = options.now ?? new Date();
  mkdirSync(root, { recursive: true, mode: 0o700 });

  const dataDirOf = new Map(topology.servers.map((server) => [nameKey(server.name), join(root, server.dataDir)]));
  for (const dataDir of dataDirOf.values()) mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const certifiers = topology.organizations.map((organization): DomainCertifier => {
    const created = createCertifierId({ name: parseName(organization.name), password: organization.certifier.password, validFrom: now });
    const dataDir = dataDirOf.get(nameKey(organization.certifier.server));
    if (dataDir === undefined) throw new Error(`no data directory for ${organization.certifier.server}`);
    writeFileSync(join(dataDir, organization.certifier.idFile), created.idFile, { mode: 0o600 });
    return { name: organization.name, certificatePem: created.certificatePem, privateKey: created.privateKey };
  });

  const administrationServer = topology.servers.find((server) => server.administrationServer);
  if (administrationServer === undefined) throw new Error('the topology has no administration server');
  const namesReplicaId = newReplicaId();
  const vaultReplicas = topology.vaults.map((vault) => ({ vault, replicaId: newReplicaId() }));
  const transportKeys = writeVaultKeys(topology, dataDirOf);

  const initial = new Map<string, Array<InitialDocuments['databases'][number]>>();
  const addInitial = (server: string, database: InitialDocuments['databases'][number]) => {
    const list = initial.get(nameKey(server)) ?? [];
    list.push(database);
    initial.set(nameKey(server), list);
  };
  addInitial(administrationServer.name, { path: NAMES_NSF, documents: buildNamesDocuments(topology, certifiers, now, transportKeys) });
  for (const { vault } of vaultReplicas) {
    const keys = new Map(vault.servers.map((server) => [nameKey(server), newVaultOperationsKey(server, vault)]));
    addInitial(vault.administrationServers[0], { path: vault.database, documents: buildVaultDocuments(vault, keys) });
  }

  for (const server of topology.servers) {
    const dataDir = dataDirOf.get(nameKey(server.name)) as string;
    const hostedVaults = vaultReplicas.filter(({ vault }) => vault.servers.some((candidate) => nameKey(candidate) === nameKey(server.name)));
    const setup: ServerSetup = {
      format: 1,
      domain: topology.domain,
      server: server.name,
      title: server.title,
      administrationServer: server.administrationServer,
      replicas: [
        { replicaId: namesReplicaId, path: NAMES_NSF, title: namesTitle(topology.domain), sources: [administrationServer.name] },
        ...hostedVaults.map(({ vault, replicaId }) => ({ replicaId, path: vault.database, title: vaultCommonName(vault), sources: [vault.administrationServers[0]] })),
      ],
      trustAnchors: certifiers.map((certifier) => ({ name: certifier.name, certificatePem: certifier.certificatePem })),
      http: { enabled: server.http.enabled, port: server.http.port },
    };
    writeJson(join(dataDir, SERVER_SETUP_FILE), setup);
    const databases = initial.get(nameKey(server.name));
    if (databases !== undefined) writeJson(join(dataDir, INITIAL_DOCUMENTS_FILE), { databases } satisfies InitialDocuments);
  }

  const manifest: DomainManifest = {
    format: 1,
    domain: topology.domain,
    createdAt: now.toISOString(),
    topologySource: options.topologySource,
    servers: topology.servers.map((server) => ({ name: server.name, dataDir: server.dataDir, administrationServer: server.administrationServer })),
    clusters: topology.clusters.map((cluster) => ({ name: cluster.name, servers: [...cluster.servers] })),
    connections: topology.connections
      .filter((connection) => connection.enabled)
      .map((connection) => ({ source: connection.source, destination: connection.destination, type: connection.type, intervalSeconds: parseInterval(connection.interval) })),
    vaults: topology.vaults.map((vault) => ({ name: vault.name, servers: [...vault.servers] })),
  };
  writeJson(join(root, DOMAIN_FILE), manifest);
  return manifest;
}

/** Reads domain.json; undefined when the directory holds no domain yet. */
export function readDomainManifest(directory: string): DomainManifest | undefined {
  const file = join(resolve(directory), DOMAIN_FILE);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DomainDirectoryError(directory, `${file} is not valid JSON (${(error as Error).message})`);
  }
  const result = manifestSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new DomainDirectoryError(directory, `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return result.data;
}

/**
 * Creates each vault's TOTP key and writes it into the data directory of every server of
 * the vault, like a server ID: owner-only, never in the event log. Returns the public
 * transport key of each vault by vault name key, for its vault document.
 */
function writeVaultKeys(topology: Topology, dataDirOf: ReadonlyMap<string, string>): Map<string, string> {
  const publicKeys = new Map<string, string>();
  for (const vault of topology.vaults) {
    const key = newVaultKeyFile(vault.name);
    for (const server of vault.servers) {
      const dataDir = dataDirOf.get(nameKey(server));
      if (dataDir === undefined) throw new Error(`no data directory for vault server ${server}`);
      mkdirSync(join(dataDir, VAULT_KEY_DIRECTORY), { recursive: true, mode: 0o700 });
      writeFileSync(join(dataDir, vaultKeyFile(vaultCommonName(vault))), key.text, { mode: 0o600 });
    }
    publicKeys.set(nameKey(vault.name), key.transportPublicKeyPem);
  }
  return publicKeys;
}

function assertUsable(root: string): void {
  if (!existsSync(root)) return;
  if (existsSync(join(root, DOMAIN_FILE))) throw new DomainDirectoryError(root, 'it already holds a domain');
  // Empty directories are accepted: containers mount each server's volume at its data
  // directory before the domain is created.
  const entries = readdirSync(root).filter((entry) => entry !== DOMAIN_LOCK_FILE && !holdsOnlyDirectories(join(root, entry)));
  if (entries.length > 0) {
    throw new DomainDirectoryError(root, `it is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); choose a new or empty directory`);
  }
}

/** True for a directory whose tree holds no files (lost+found of a fresh volume counts as empty too). */
function holdsOnlyDirectories(path: string): boolean {
  const stats = lstatSync(path);
  if (!stats.isDirectory()) return false;
  return readdirSync(path).every((entry) => entry === 'lost+found' || holdsOnlyDirectories(join(path, entry)));
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}
