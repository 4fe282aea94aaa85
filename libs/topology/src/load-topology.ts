import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { parseDocument } from 'yaml';
import type { z } from 'zod';

import { vaultDatabasePath } from '@domsim/id-vault';
import { DEFAULT_TOTP_SETTINGS, NameAndPassword, type NameAndPasswordSetting, type TotpSettings } from '@domsim/mfa';
import { type DominoName, InvalidNameError, nameKey, parseName, toCanonical } from '@domsim/names';
import { InvalidConnectionError, parseInterval, parseReplicationType, parseWindow } from '@domsim/replication';

import { InvalidTopologyError, type TopologyProblem } from './errors';
import { type TopologyFile, topologyFileSchema } from './schema';
import type { ClusterSpec, ConnectionSpec, OrganizationSpec, PersonSpec, ServerSpec, Topology, VaultSpec } from './topology';

const DEFAULT_DESIGN_VERSION = 12;

/** The topology file of the default domain, shipped with domsim. */
export function defaultTopologyPath(): string {
  return join(packageRoot(), 'libs', 'topology', 'domains', 'renovations.yaml');
}

/**
 * Reads and validates a topology file (YAML or JSON).
 *
 * @throws InvalidTopologyError listing each problem with its field and reason.
 */
export function loadTopology(file: string): Topology {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : `the file cannot be read (${(error as Error).message})`;
    throw new InvalidTopologyError(file, [{ field: '(file)', reason }]);
  }
  return parseTopology(text, file);
}

/** Validates topology text; `file` names it in errors. */
export function parseTopology(text: string, file: string): Topology {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new InvalidTopologyError(
      file,
      document.errors.map((error) => ({ field: '(syntax)', reason: error.message.split('\n')[0] })),
    );
  }
  const result = topologyFileSchema.safeParse(document.toJS());
  if (!result.success) {
    throw new InvalidTopologyError(file, result.error.issues.map(toProblem));
  }
  return resolveTopology(result.data, file);
}

function toProblem(issue: z.core.$ZodIssue): TopologyProblem {
  const field = issue.path.length === 0 ? '(top level)' : formatPath(issue.path);
  return { field, reason: issue.message };
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
}

/** Checks names and cross-references, and fills in defaults. */
function resolveTopology(file: TopologyFile, path: string): Topology {
  const problems: TopologyProblem[] = [];
  const canonical = (value: string, field: string, kind: 'name' | 'certifier'): string => {
    try {
      const name = parseName(kind === 'certifier' && !value.trim().startsWith('/') && !value.includes('=') ? `/${value}` : value);
      if (kind === 'name' && name.common === undefined) {
        problems.push({ field, reason: `"${value}" is a certifier name; give a server or person name such as server1/renovations` });
      }
      if (kind === 'certifier' && name.common !== undefined) {
        problems.push({ field, reason: `"${value}" has a common name; a certifier is written /org or /unit/org` });
      }
      return toCanonical(name);
    } catch (error) {
      if (!(error instanceof InvalidNameError)) throw error;
      problems.push({ field, reason: error.reason });
      return value;
    }
  };

  const organizations = file.organizations.map((organization, index): OrganizationSpec => ({
    name: canonical(organization.name, `organizations[${index}].name`, 'certifier'),
    certifier: {
      server: canonical(organization.certifier.server, `organizations[${index}].certifier.server`, 'name'),
      idFile: organization.certifier.idFile,
      password: organization.certifier.password,
    },
  }));
  const servers = resolveServers(file, canonical, problems);
  const people = (file.people ?? []).map((person, index): PersonSpec => ({
    name: canonical(person.name, `people[${index}].name`, 'name'),
    administrator: person.administrator ?? false,
    internetAddress: person.internetAddress,
    internetPassword: person.internetPassword,
  }));
  const vaults = (file.vaults ?? []).map((vault, index): VaultSpec => resolveVault(vault, index, canonical, servers));
  const totp = resolveTotp(file.totp);
  // Without a clusters entry every server of the domain forms one cluster, so a small topology
  // replicates at once; `clusters: []` leaves replication to Connection documents alone.
  const clusters =
    file.clusters === undefined
      ? servers.length > 1
        ? [{ name: file.domain, servers: servers.map((server) => server.name) }]
        : []
      : file.clusters.map((cluster, index): ClusterSpec => ({
          name: cluster.name,
          servers: cluster.servers.map((server, i) => canonical(server, `clusters[${index}].servers[${i}]`, 'name')),
        }));
  const connections = (file.connections ?? []).map((connection, index) => resolveConnection(connection, index, canonical, problems));

  const topology: Topology = { domain: file.domain, organizations, servers, people, vaults, clusters, connections, totp };
  if (problems.length === 0) checkReferences(topology, problems);
  if (problems.length > 0) throw new InvalidTopologyError(path, problems);
  return topology;
}

type Canonicalize = (value: string, field: string, kind: 'name' | 'certifier') => string;

function resolveServers(file: TopologyFile, canonical: Canonicalize, problems: TopologyProblem[]): ServerSpec[] {
  const servers = file.servers.map((server, index): ServerSpec => {
    const name = canonical(server.name, `servers[${index}].name`, 'name');
    let common = `server${index + 1}`;
    try {
      common = parseName(name).common ?? common;
    } catch {
      // the problem was recorded by canonical()
    }
    return {
      name,
      title: server.title ?? '',
      administrationServer: server.administrationServer ?? false,
      dataDir: server.dataDir ?? `servers/${common.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`,
      http: { enabled: server.http?.enabled ?? true, port: server.http?.port ?? 0, nameAndPassword: NAME_AND_PASSWORD[server.http?.nameAndPassword ?? 'yes'] },
    };
  });
  const administrationServers = servers.filter((server) => server.administrationServer);
  if (administrationServers.length !== 1) {
    problems.push({
      field: 'servers',
      reason: `exactly one server must have administrationServer: true, found ${administrationServers.length}; it creates the directory`,
    });
  }
  return servers;
}

function resolveVault(vault: NonNullable<TopologyFile['vaults']>[number], index: number, canonical: Canonicalize, allServers: readonly ServerSpec[]): VaultSpec {
  const field = `vaults[${index}]`;
  const name = canonical(vault.name, `${field}.name`, 'certifier');
  let common = vault.name.replace(/^\/+/, '');
  try {
    const parsed: DominoName = parseName(name);
    common = parsed.units[0] ?? parsed.organization;
  } catch {
    // the problem was recorded by canonical()
  }
  const servers = vault.servers.map((server, i) => canonical(server, `${field}.servers[${i}]`, 'name'));
  return {
    name,
    description: vault.description ?? common,
    database: vaultDatabasePath(common),
    servers,
    administrationServers: (vault.administrationServers ?? [servers[0]]).map((server, i) => canonical(server, `${field}.administrationServers[${i}]`, 'name')),
    administrators: (vault.administrators ?? []).map((person, i) => canonical(person, `${field}.administrators[${i}]`, 'name')),
    designVersion: vault.designVersion ?? DEFAULT_DESIGN_VERSION,
    trust: (vault.trust ?? []).map((trust, t) => ({
      certifier: canonical(trust.certifier, `${field}.trust[${t}].certifier`, 'certifier'),
      passwordResetAuthorities: (trust.passwordResetAuthorities ?? []).map((authority, i) =>
        canonical(authority, `${field}.trust[${t}].passwordResetAuthorities[${i}]`, 'name'),
      ),
    })),
    securitySettings: vault.securitySettings ?? [],
    trustedWebServers:
      vault.trustedWebServers === undefined
        ? allServers.filter((server) => server.http.enabled && server.http.nameAndPassword === NameAndPassword.YesWithTotp).map((server) => server.name)
        : vault.trustedWebServers.map((server, i) => canonical(server, `${field}.trustedWebServers[${i}]`, 'name')),
    users: (vault.users ?? []).map((person, i) => canonical(person, `${field}.users[${i}]`, 'name')),
  };
}

const NAME_AND_PASSWORD: Readonly<Record<'no' | 'yes' | 'yes-with-totp', NameAndPasswordSetting>> = {
  no: NameAndPassword.No,
  yes: NameAndPassword.Yes,
  'yes-with-totp': NameAndPassword.YesWithTotp,
};

/** Fills in Domino's defaults for the TOTP settings; TOTP itself stays off unless the file enables it. */
function resolveTotp(totp: TopologyFile['totp']): TotpSettings {
  const defaults = DEFAULT_TOTP_SETTINGS;
  return {
    enabled: totp?.enabled ?? defaults.enabled,
    scratchCodes: totp?.emergencyScratchCodes ?? defaults.scratchCodes,
    maxSecretsPerUser: totp?.maxSecretsPerUser ?? defaults.maxSecretsPerUser,
    algorithm: totp?.algorithm ?? defaults.algorithm,
    digits: defaults.digits,
    stepSeconds: totp?.stepSeconds ?? defaults.stepSeconds,
    skewSteps: totp?.skewSteps ?? defaults.skewSteps,
  };
}

function resolveConnection(
  connection: NonNullable<TopologyFile['connections']>[number],
  index: number,
  canonical: Canonicalize,
  problems: TopologyProblem[],
): ConnectionSpec {
  const field = `connections[${index}]`;
  const check = <T>(item: string, read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof InvalidConnectionError)) throw error;
      problems.push({ field: `${field}.${item}`, reason: error.message });
      return fallback;
    }
  };
  const interval = String(connection.interval ?? '60m');
  const type = connection.type ?? 'pull-push';
  const window = connection.window ?? '00:00-24:00';
  check('interval', () => parseInterval(interval), 0);
  check('type', () => parseReplicationType(type), 'pull-push');
  check('window', () => parseWindow(window), { start: 0, end: 0 });
  return {
    source: canonical(connection.source, `${field}.source`, 'name'),
    destination: canonical(connection.destination, `${field}.destination`, 'name'),
    type,
    interval,
    window,
    databases: connection.databases ?? [],
    enabled: connection.enabled ?? true,
  };
}

function checkReferences(topology: Topology, problems: TopologyProblem[]): void {
  const serverKeys = new Set<string>();
  const dataDirs = new Set<string>();
  topology.servers.forEach((server, index) => {
    const key = nameKey(server.name);
    if (serverKeys.has(key)) problems.push({ field: `servers[${index}].name`, reason: `server ${server.name} is listed twice` });
    serverKeys.add(key);
    if (dataDirs.has(server.dataDir)) problems.push({ field: `servers[${index}].dataDir`, reason: `data directory ${server.dataDir} is used by another server; set dataDir` });
    dataDirs.add(server.dataDir);
  });

  const organizationKeys = new Set(topology.organizations.map((organization) => nameKey(organization.name)));
  const underKnownOrganization = (name: string): boolean => {
    const parsed = parseName(name);
    return topology.organizations.some((organization) => {
      const certifier = parseName(organization.name);
      return certifier.organization.toLowerCase() === parsed.organization.toLowerCase();
    });
  };

  const idFiles = new Set<string>();
  topology.organizations.forEach((organization, index) => {
    const field = `organizations[${index}]`;
    if (topology.organizations.findIndex((other) => nameKey(other.name) === nameKey(organization.name)) !== index) {
      problems.push({ field: `${field}.name`, reason: `organization ${organization.name} is listed twice` });
    }
    if (!serverKeys.has(nameKey(organization.certifier.server))) {
      problems.push({ field: `${field}.certifier.server`, reason: `server ${organization.certifier.server} is not in servers` });
    }
    const fileKey = `${nameKey(organization.certifier.server)} ${organization.certifier.idFile.toLowerCase()}`;
    if (idFiles.has(fileKey)) {
      problems.push({ field: `${field}.certifier.idFile`, reason: `${organization.certifier.idFile} is already the ID file of another certifier on that server` });
    }
    idFiles.add(fileKey);
  });

  topology.servers.forEach((server, index) => {
    if (!underKnownOrganization(server.name)) {
      problems.push({ field: `servers[${index}].name`, reason: `${server.name} is not under any organization in organizations (${[...organizationKeys].join(', ')})` });
    }
  });
  const personIndexes = new Map<string, number>();
  const addressIndexes = new Map<string, number>();
  topology.people.forEach((person, index) => {
    if (!underKnownOrganization(person.name)) {
      problems.push({ field: `people[${index}].name`, reason: `${person.name} is not under any organization in organizations` });
    }
    const earlier = personIndexes.get(nameKey(person.name));
    if (earlier !== undefined) problems.push({ field: `people[${index}].name`, reason: `${person.name} is already people[${earlier}]; a name may appear once` });
    else personIndexes.set(nameKey(person.name), index);
    if (person.internetAddress !== undefined) {
      const address = person.internetAddress.toLowerCase();
      const owner = addressIndexes.get(address);
      if (owner !== undefined) problems.push({ field: `people[${index}].internetAddress`, reason: `${person.internetAddress} is already the Internet address of people[${owner}]; Internet addresses must be unique` });
      else addressIndexes.set(address, index);
    }
  });

  const clustered = new Map<string, string>();
  topology.clusters.forEach((cluster, index) => {
    if (topology.clusters.findIndex((other) => other.name.toLowerCase() === cluster.name.toLowerCase()) !== index) {
      problems.push({ field: `clusters[${index}].name`, reason: `cluster ${cluster.name} is listed twice` });
    }
    cluster.servers.forEach((server, i) => {
      const key = nameKey(server);
      if (!serverKeys.has(key)) problems.push({ field: `clusters[${index}].servers[${i}]`, reason: `server ${server} is not in servers` });
      const other = clustered.get(key);
      if (other !== undefined) problems.push({ field: `clusters[${index}].servers[${i}]`, reason: `${server} is already in cluster ${other}; a server belongs to one cluster` });
      clustered.set(key, cluster.name);
    });
  });
  topology.connections.forEach((connection, index) => {
    for (const end of ['source', 'destination'] as const) {
      if (!serverKeys.has(nameKey(connection[end]))) problems.push({ field: `connections[${index}].${end}`, reason: `server ${connection[end]} is not in servers` });
    }
    if (nameKey(connection.source) === nameKey(connection.destination)) {
      problems.push({ field: `connections[${index}].destination`, reason: 'a server cannot replicate with itself' });
    }
    const twin = topology.connections.findIndex((other) => connectionKey(other) === connectionKey(connection));
    if (twin !== index) {
      problems.push({ field: `connections[${index}]`, reason: `repeats connections[${twin}] (same servers, type, schedule and databases); remove one or change its schedule` });
    }
  });

  const personKeys = new Set(topology.people.map((person) => nameKey(person.name)));
  const vaultOfUser = new Map<string, string>();
  topology.vaults.forEach((vault, index) => {
    const field = `vaults[${index}]`;
    const earlier = topology.vaults.findIndex((other) => nameKey(other.name) === nameKey(vault.name));
    if (earlier !== index) problems.push({ field: `${field}.name`, reason: `vault ${vault.name} is already vaults[${earlier}]; give each vault its own name` });
    const sameDatabase = topology.vaults.findIndex((other) => other.database.toLowerCase() === vault.database.toLowerCase());
    if (sameDatabase !== index && earlier === index) {
      problems.push({ field: `${field}.database`, reason: `${vault.database} is already the database of vaults[${sameDatabase}]; give each vault its own database` });
    }
    vault.servers.forEach((server, i) => {
      if (!serverKeys.has(nameKey(server))) problems.push({ field: `${field}.servers[${i}]`, reason: `server ${server} is not in servers` });
    });
    vault.administrationServers.forEach((server, i) => {
      if (!vault.servers.some((candidate) => nameKey(candidate) === nameKey(server))) {
        problems.push({ field: `${field}.administrationServers[${i}]`, reason: `${server} must also be one of the vault's servers` });
      }
    });
    vault.administrators.forEach((person, i) => {
      if (!personKeys.has(nameKey(person))) problems.push({ field: `${field}.administrators[${i}]`, reason: `${person} is not in people` });
    });
    vault.users.forEach((person, i) => {
      if (!personKeys.has(nameKey(person))) problems.push({ field: `${field}.users[${i}]`, reason: `${person} is not in people` });
      const other = vaultOfUser.get(nameKey(person));
      if (other !== undefined) problems.push({ field: `${field}.users[${i}]`, reason: `${person} is already a user of ${other}; a user's ID is in one vault` });
      vaultOfUser.set(nameKey(person), field);
    });
    vault.trustedWebServers.forEach((server, i) => {
      if (!serverKeys.has(nameKey(server))) problems.push({ field: `${field}.trustedWebServers[${i}]`, reason: `server ${server} is not in servers` });
    });
    vault.trust.forEach((trust, t) => {
      if (!organizationKeys.has(nameKey(trust.certifier))) {
        problems.push({ field: `${field}.trust[${t}].certifier`, reason: `certifier ${trust.certifier} is not in organizations` });
      }
      trust.passwordResetAuthorities.forEach((authority, i) => {
        const known = personKeys.has(nameKey(authority)) || serverKeys.has(nameKey(authority));
        if (!known) problems.push({ field: `${field}.trust[${t}].passwordResetAuthorities[${i}]`, reason: `${authority} is neither in people nor in servers` });
      });
    });
  });
}

/** The directory of domsim's package.json, found by walking up from this file. */
/** What makes two connection documents the same: their servers, type, schedule and databases. */
function connectionKey(connection: Topology['connections'][number]): string {
  return JSON.stringify([nameKey(connection.source), nameKey(connection.destination), connection.type, connection.interval, connection.window, [...connection.databases].sort(), connection.enabled]);
}

export function packageRoot(): string {
  let directory = __dirname;
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: string };
      if (manifest.name === 'domsim') return directory;
    } catch {
      // keep walking up
    }
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`cannot find the domsim package root above ${__dirname}`);
    directory = parent;
  }
}
