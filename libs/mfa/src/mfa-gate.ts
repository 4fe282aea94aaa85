import { CertificateTypes, displayName, type ReplicaState } from '@domsim/directory';
import { isCurrent, readTrustCertificates, type TrustCertificate, type VaultDocument } from '@domsim/id-vault';
import { certifierOf, type DominoName, matchesPattern, nameKey, parseName, parseTrustPattern, toAbbreviated, tryNameKey } from '@domsim/names';

import { TotpError } from './errors';
import type { TotpSettings } from './totp-settings';

/**
 * The current Multi-Factor Authentication Certificate issued to the vault whose pattern
 * covers the user, in one server's names.nsf replica; undefined when there is none.
 */
export function findMfaTrust(names: ReplicaState, user: DominoName, vaultName: string, now: Date): TrustCertificate | undefined {
  const vaultKey = nameKey(vaultName);
  return readTrustCertificates(names).find(
    (certificate) =>
      certificate.type === CertificateTypes.Mfa && tryNameKey(certificate.issuedTo) === vaultKey && isCurrent(certificate, now) && patternCovers(certificate.pattern, user),
  );
}

/** True when the user may use TOTP with this vault, as far as the given names.nsf replica shows. */
export function isMfaTrusted(names: ReplicaState, user: DominoName, vaultName: string, now: Date): boolean {
  return findMfaTrust(names, user, vaultName, now) !== undefined;
}

function patternCovers(pattern: string, user: DominoName): boolean {
  try {
    return matchesPattern(user, parseTrustPattern(pattern));
  } catch {
    return false;
  }
}

/** What the vault server that handles a TOTP request knows when it decides whether TOTP applies. */
export interface TotpGateInput {
  /** The vault server's own names.nsf replica. */
  readonly names: ReplicaState;
  readonly vault: VaultDocument;
  readonly vaultServer: string;
  /** The web server the user logs in to. */
  readonly webServer: string;
  readonly settings: TotpSettings;
  /** Canonical user name. */
  readonly user: string;
  readonly userInVault: boolean;
  readonly now: Date;
}

/**
 * Decides whether a user may enroll or log in with TOTP through a web server, in Domino's
 * order of checks: the vault trusts the web server, TOTP is enabled, an MFA certificate for
 * the user's organization has reached this vault server's directory, and the user's ID is
 * in the vault. Returns the first failed check, or undefined when TOTP may be used.
 */
export function checkTotpGate(input: TotpGateInput): TotpError | undefined {
  const vaultLabel = displayName(input.vault.vaultName);
  const webServerKey = tryNameKey(input.webServer);
  if (!input.vault.trustedWebServers.some((server) => tryNameKey(server) === webServerKey)) {
    return new TotpError(
      'WEB_SERVER_NOT_TRUSTED',
      `ID vault ${vaultLabel} does not trust web server ${displayName(input.webServer)} for TOTP; an administrator must add it to the vault's trusted web servers`,
    );
  }
  if (!input.settings.enabled) {
    return new TotpError(
      'TOTP_DISABLED',
      `TOTP for web authentication is not enabled in the Configuration Settings that ${displayName(input.vaultServer)} uses; ask an administrator to enable it`,
    );
  }
  const user = parseName(input.user);
  if (!isMfaTrusted(input.names, user, input.vault.vaultName, input.now)) {
    return new TotpError(
      'MFA_NOT_ENABLED',
      `MFA is not enabled for the organization of ${displayName(input.user)} (${toAbbreviated(certifierOf(user))}): ID vault server ${displayName(input.vaultServer)} holds no Multi-Factor Authentication Certificate for it; ask your administrator to enable MFA for your organization`,
    );
  }
  if (!input.userInVault) {
    return new TotpError('NOT_IN_VAULT', `${displayName(input.user)} is not in ID vault ${vaultLabel}; TOTP needs the user's ID in the vault, so ask an administrator to add it`);
  }
  return undefined;
}
