import { Forms, type ReplicaState, textItem } from '@domsim/directory';
import { findVaultDocument, readVaultDocuments, type VaultDocument } from '@domsim/id-vault';
import { tryNameKey } from '@domsim/names';

/** Values of a web server's "Name & password" authentication setting, as Domino shows them. */
export const NameAndPassword = {
  No: 'No',
  Yes: 'Yes',
  YesWithTotp: 'Yes with TOTP',
} as const;
export type NameAndPasswordSetting = (typeof NameAndPassword)[keyof typeof NameAndPassword];

/** Item of the Server document with the web server's "Name & password" setting. */
export const NAME_AND_PASSWORD_ITEM = 'HTTPNameAndPassword';

/** Item of the vault document with the public key that web servers seal TOTP requests for (SPKI PEM). */
export const VAULT_TRANSPORT_KEY_ITEM = 'TOTPTransportKey';

/**
 * Reads a server's "Name & password" setting from its Server document. A missing or
 * unknown value reads as "Yes", Domino's default for web servers.
 */
export function readNameAndPassword(names: ReplicaState, server: string): NameAndPasswordSetting {
  const key = tryNameKey(server);
  for (const note of names.documentsOfForm(Forms.Server)) {
    if (tryNameKey(textItem(note.items, 'ServerName')) !== key) continue;
    const value = textItem(note.items, NAME_AND_PASSWORD_ITEM).trim().toLowerCase();
    return Object.values(NameAndPassword).find((setting) => setting.toLowerCase() === value) ?? NameAndPassword.Yes;
  }
  return NameAndPassword.Yes;
}

/** A vault that web servers can ask for TOTP: its document and the key to seal requests for. */
export interface TotpVault {
  readonly document: VaultDocument;
  readonly transportKeyPem: string;
}

/** The vaults in a names.nsf replica that list the web server as trusted and publish a transport key. */
export function vaultsTrusting(names: ReplicaState, webServer: string): TotpVault[] {
  const key = tryNameKey(webServer);
  return readVaultDocuments(names)
    .filter((vault) => vault.trustedWebServers.some((server) => tryNameKey(server) === key))
    .map((document) => ({ document, transportKeyPem: transportKeyOf(names, document) }))
    .filter((vault) => vault.transportKeyPem !== '');
}

/** The vault document for a vault database path, with its transport key. */
export function findTotpVault(names: ReplicaState, databasePath: string): TotpVault | undefined {
  const document = findVaultDocument(names, databasePath);
  return document === undefined ? undefined : { document, transportKeyPem: transportKeyOf(names, document) };
}

function transportKeyOf(names: ReplicaState, document: VaultDocument): string {
  return textItem(names.note(document.unid)?.items ?? {}, VAULT_TRANSPORT_KEY_ITEM);
}
