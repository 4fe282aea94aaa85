/** A validated domain description. Names are canonical (`CN=server1/O=renovations`). */
export interface Topology {
  readonly domain: string;
  readonly organizations: readonly OrganizationSpec[];
  readonly servers: readonly ServerSpec[];
  readonly people: readonly PersonSpec[];
  readonly vaults: readonly VaultSpec[];
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
  readonly http: { readonly enabled: boolean; readonly port: number };
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
}
