import type { TopologyFile } from '@domsim/topology';

import { InvalidTestDomainError } from '../errors';

/** Placement of the ID vault: servers by 1-based position (server1 is 1). */
export interface VaultOptions {
  /** Default: the first two servers, or the only one. */
  readonly servers?: readonly number[];
  /** Release of the idvault.ntf design; default 12. mfamgmt needs 12 or later. */
  readonly designVersion?: number;
}

export interface GeneratedTopologyOptions {
  readonly servers: number;
  /** Absent: a domain without an ID vault. */
  readonly vault?: VaultOptions;
  /** Server names per cluster; absent: all servers form one cluster. */
  readonly clusters?: ReadonlyArray<readonly string[]>;
}

/** Most servers a generated domain has; each one is a process of about 80 MB. */
export const MAX_GENERATED_SERVERS = 50;

/**
 * Generates a domain shaped like the default renovations domain with `servers` servers named
 * server1/renovations, server2/renovations, ... The /renovations and /mfatest1 certifiers
 * (passwords renovations-demo and mfatest1-demo, public demo secrets) are in server1's
 * data directory, and server1 is the administration server. With a vault, server1 must
 * host it, because mfamgmt runs where the certifier ID file is.
 */
export function generateTopology(options: GeneratedTopologyOptions): TopologyFile {
  if (!Number.isInteger(options.servers) || options.servers < 1 || options.servers > MAX_GENERATED_SERVERS) {
    throw new InvalidTestDomainError(`invalid server count ${options.servers} for withServers: give a whole number from 1 to ${MAX_GENERATED_SERVERS}`);
  }
  const serverName = (position: number) => `server${position}/renovations`;
  const servers = Array.from({ length: options.servers }, (_value, index) => ({
    name: serverName(index + 1),
    title: index === 0 ? 'Administration server' : `Server ${index + 1}`,
    ...(index === 0 ? { administrationServer: true } : {}),
  }));

  const topology: { -readonly [K in keyof TopologyFile]: TopologyFile[K] } = {
    domain: 'renovations',
    organizations: [
      { name: '/renovations', certifier: { server: serverName(1), idFile: 'renovations-cert.id', password: 'renovations-demo' } },
      { name: '/mfatest1', certifier: { server: serverName(1), idFile: 'cert.id', password: 'mfatest1-demo' } },
    ],
    servers,
    people: [
      { name: 'renovations admin/renovations', administrator: true, internetAddress: 'admin@renovations.example', internetPassword: 'admin-demo' },
      { name: 'totp user/mfatest1', internetAddress: 'totp.user@mfatest1.example', internetPassword: 'totp-demo' },
      { name: 'web user/renovations', internetAddress: 'web.user@renovations.example', internetPassword: 'web-demo' },
    ],
  };
  if (options.clusters !== undefined) {
    topology.clusters = options.clusters.map((servers, index) => ({ name: `cluster${index + 1}`, servers: [...servers] }));
  }
  if (options.vault === undefined) return topology;

  const positions = options.vault.servers ?? (options.servers === 1 ? [1] : [1, 2]);
  for (const position of positions) {
    if (!Number.isInteger(position) || position < 1 || position > options.servers) {
      throw new InvalidTestDomainError(`invalid vault server ${position} for withVault: the domain has servers 1 to ${options.servers}`);
    }
  }
  if (!positions.includes(1)) {
    throw new InvalidTestDomainError(`withVault servers ${positions.join(', ')} leave out server 1, which holds the certifier ID files; include 1`);
  }
  const vaultServers = [...new Set(positions)].sort((a, b) => a - b).map(serverName);
  return {
    ...topology,
    vaults: [
      {
        name: '/renovationsvault',
        description: 'renovationsvault',
        servers: vaultServers,
        administrationServers: [serverName(1)],
        administrators: ['renovations admin/renovations'],
        designVersion: options.vault.designVersion ?? 12,
        trust: [{ certifier: '/renovations', passwordResetAuthorities: ['renovations admin/renovations', ...vaultServers] }],
        securitySettings: ['renovationsvaultVaultSetting'],
      },
    ],
  };
}
