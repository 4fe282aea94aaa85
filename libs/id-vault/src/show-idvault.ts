import { CertificateTypes, displayName as display, Forms, type ReplicaState, textItem } from '@domsim/directory';
import { nameKey, tryNameKey } from '@domsim/names';

import { isCurrent, readTrustCertificates, type TrustCertificate } from './trust-certificates';
import { findVaultDocument, readVaultControl, readVaultOperationsKey } from './vault-documents';

export interface ShowIdVaultInput {
  readonly server: string;
  readonly names: ReplicaState;
  /** The vault database replicas this server hosts. */
  readonly vaults: readonly ReplicaState[];
  readonly now: Date;
}

export const NO_VAULT_MESSAGE = 'This server does not host an ID vault';

/**
 * Builds the lines of `show idvault` (Domino's "Show IDvaults") for every vault database
 * the server hosts, in the order real servers print them: the vault database's control
 * information, the vault document from names.nsf, the trust lines, then the settings.
 */
export function showIdVaultLines(input: ShowIdVaultInput): string[] {
  if (input.vaults.length === 0) return [NO_VAULT_MESSAGE];
  return input.vaults.flatMap((vault) => vaultLines(input, vault));
}

function vaultLines(input: ShowIdVaultInput, vault: ReplicaState): string[] {
  const document = findVaultDocument(input.names, vault.info.path);
  const control = readVaultControl(vault);
  const vaultName = document?.vaultName ?? control?.controlVaultName ?? '';
  const lines = [`ID Vault ${display(vaultName) || '(unknown)'} (${vault.info.path})`];

  if (control === undefined) {
    lines.push('The vault database has not replicated to this server yet');
  } else {
    lines.push(`Control Vault Name: ${display(control.controlVaultName)}`);
    for (const server of control.controlVaultServers) lines.push(`Control Vault Servers: ${display(server)}`);
    const operationsKey = readVaultOperationsKey(vault, input.server);
    if (operationsKey !== undefined) lines.push(`Vault Operations Key: ${operationsKey}`);
    for (const server of control.servers) lines.push(`Servers: ${display(server)}`);
  }

  if (document === undefined) {
    lines.push('The vault document has not replicated to this server yet');
    return lines;
  }
  lines.push(`Vault Name: ${display(document.vaultName)}`);
  lines.push(`Description: ${document.description}`);
  for (const administrator of document.administrators) lines.push(`Administrators: ${display(administrator)}`);
  for (const server of document.servers) lines.push(`Servers: ${display(server)}`);
  for (const server of document.administrationServers) lines.push(`Administration Server: ${display(server)}`);

  lines.push(...trustLines(input, document.vaultName));
  lines.push(...settingLines(input.names, document.vaultName));
  return lines;
}

function trustLines(input: ShowIdVaultInput, vaultName: string): string[] {
  const vaultKey = nameKey(vaultName);
  const current = readTrustCertificates(input.names).filter((certificate) => isCurrent(certificate, input.now));
  const issuedToVault = (certificate: TrustCertificate): boolean => tryNameKey(certificate.issuedTo) === vaultKey;
  const byIssuerThen = (key: (certificate: TrustCertificate) => string) => (a: TrustCertificate, b: TrustCertificate) =>
    display(a.issuedBy).localeCompare(display(b.issuedBy)) || key(a).localeCompare(key(b));

  const vaultTrust = current
    .filter((certificate) => certificate.type === CertificateTypes.VaultTrust && issuedToVault(certificate))
    .sort(byIssuerThen(() => ''))
    .map((certificate) => `${display(certificate.issuedBy)} trusts this vault`);
  const mfa = current
    .filter((certificate) => certificate.type === CertificateTypes.Mfa && issuedToVault(certificate))
    .sort(byIssuerThen((certificate) => certificate.pattern))
    .map((certificate) => `${display(certificate.issuedBy)} trusts ${displayPattern(certificate.pattern)} for MFA`);
  const reset = current
    .filter((certificate) => certificate.type === CertificateTypes.PasswordReset && tryNameKey(certificate.vaultName) === vaultKey)
    .sort(byIssuerThen((certificate) => display(certificate.issuedTo)))
    .map((certificate) => `${display(certificate.issuedBy)} trusts ${display(certificate.issuedTo)} to reset passwords`);

  return [...new Set([...vaultTrust, ...mfa, ...reset])];
}

function settingLines(names: ReplicaState, vaultName: string): string[] {
  const vaultKey = nameKey(vaultName);
  return [...names.documentsOfForm(Forms.SecuritySettings)]
    .filter((note) => tryNameKey(textItem(note.items, 'IDVaultName')) === vaultKey)
    .map((note) => textItem(note.items, 'SettingName'))
    .sort()
    .map((setting) => `Setting ${setting} uses this vault`);
}

/** `*` + `/O=mfatest1` shows as `/mfatest1`, the scope the pattern allows. */
function displayPattern(pattern: string): string {
  return pattern.startsWith('*/') ? display(`/${pattern.slice(2)}`) : pattern;
}
