import type { NameAndPasswordSetting, TotpSettings } from '@domsim/mfa';

/** A validated domain description. Names are canonical (`CN=server1/O=renovations`). */
export interface Topology {
  readonly domain: string;
  readonly organizations: readonly OrganizationSpec[];
  readonly servers: readonly ServerSpec[];
  readonly people: readonly PersonSpec[];
  readonly vaults: readonly VaultSpec[];
  readonly clusters: readonly ClusterSpec[];
  readonly connections: readonly ConnectionSpec[];
  /** The TOTP settings of the Configuration Settings document for all servers. */
  readonly totp: TotpSettings;
}

/** Servers that push changes to each other as they happen (Domino cluster replication). */
export interface ClusterSpec {
  readonly name: string;
  readonly servers: readonly string[];
}

/** A Connection document: the source server calls the destination on a schedule. */
export interface ConnectionSpec {
  readonly source: string;
  readonly destination: string;
  readonly type: string;
  /** Repeat interval as written, e.g. `60s`. */
  readonly interval: string;
  readonly window: string;
  readonly databases: readonly string[];
  readonly enabled: boolean;
}

export interface OrganizationSpec {
  /** Canonical certifier name, e.g. `O=renovations`. */
  readonly name: string;
  readonly certifier: {
    readonly server: string;
    readonly idFile: string;
    readonly password: string;
  };
}

export interface ServerSpec {
  readonly name: string;
  readonly title: string;
  readonly administrationServer: boolean;
  /** Relative to the domain directory. */
  readonly dataDir: string;
  readonly http: { readonly enabled: boolean; readonly port: number; readonly nameAndPassword: NameAndPasswordSetting };
}

export interface PersonSpec {
  readonly name: string;
  readonly administrator: boolean;
  readonly internetAddress?: string;
  readonly internetPassword?: string;
}

export interface VaultSpec {
  /** Canonical vault name, e.g. `O=renovationsvault`. */
  readonly name: string;
  readonly description: string;
  readonly database: string;
  readonly servers: readonly string[];
  readonly administrationServers: readonly string[];
  readonly administrators: readonly string[];
  readonly designVersion: number;
  readonly trust: ReadonlyArray<{ readonly certifier: string; readonly passwordResetAuthorities: readonly string[] }>;
  readonly securitySettings: readonly string[];
  /** Canonical names of the web servers the vault trusts for TOTP. */
  readonly trustedWebServers: readonly string[];
  /** Canonical names of the people whose IDs are in the vault. */
  readonly users: readonly string[];
}
