import { Forms, type ReplicaState, sameDatabasePath, textItem, textListItem } from '@domsim/directory';
import { nameKey } from '@domsim/names';

/** The vault document in names.nsf: how the vault is configured for the domain. */
export interface VaultDocument {
  readonly unid: string;
  /** Canonical vault name, e.g. `O=renovationsvault`. */
  readonly vaultName: string;
  readonly database: string;
  readonly description: string;
  readonly administrators: readonly string[];
  readonly servers: readonly string[];
  readonly administrationServers: readonly string[];
  readonly trustedWebServers: readonly string[];
}

/** The control document inside the vault database itself. */
export interface VaultControl {
  readonly controlVaultName: string;
  readonly controlVaultServers: readonly string[];
  readonly servers: readonly string[];
  readonly designTemplate: string;
  /** Major release of the vault database design, e.g. 12 for idvault.ntf from Domino 12. */
  readonly designVersion: number;
}

export const MIN_MFA_DESIGN_VERSION = 12;

export function readVaultDocuments(names: ReplicaState): VaultDocument[] {
  return [...names.documentsOfForm(Forms.IdVault)].map((note) => ({
    unid: note.unid,
    vaultName: textItem(note.items, 'VaultName'),
    database: textItem(note.items, 'VaultDatabase'),
    description: textItem(note.items, 'Description'),
    administrators: textListItem(note.items, 'Administrators'),
    servers: textListItem(note.items, 'Servers'),
    administrationServers: textListItem(note.items, 'AdministrationServer'),
    trustedWebServers: textListItem(note.items, 'TrustedWebServers'),
  }));
}

/** The vault document whose database is `path`, if names.nsf has one yet. */
export function findVaultDocument(names: ReplicaState, path: string): VaultDocument | undefined {
  return readVaultDocuments(names).find((vault) => sameDatabasePath(vault.database, path));
}

export function readVaultControl(vault: ReplicaState): VaultControl | undefined {
  const note = vault.documentsOfForm(Forms.VaultControl).next();
  if (note.done === true) return undefined;
  const items = note.value.items;
  return {
    controlVaultName: textItem(items, 'ControlVaultName'),
    controlVaultServers: textListItem(items, 'ControlVaultServers'),
    servers: textListItem(items, 'Servers'),
    designTemplate: textItem(items, 'DesignTemplate'),
    designVersion: Number.parseInt(textItem(items, 'DesignVersion'), 10) || 0,
  };
}

/** The vault operations key the vault database holds for one server. */
export function readVaultOperationsKey(vault: ReplicaState, server: string): string | undefined {
  const key = nameKey(server);
  for (const note of vault.documentsOfForm(Forms.VaultServer)) {
    if (nameKey(textItem(note.items, 'ServerName')) === key) return textItem(note.items, 'VaultOperationsKey');
  }
  return undefined;
}

/** Vault database paths follow Domino's convention: `IBM_ID_VAULT\<vault>.nsf`. */
export function vaultDatabasePath(vaultCommonName: string): string {
  return `IBM_ID_VAULT\\${vaultCommonName}.nsf`;
}
