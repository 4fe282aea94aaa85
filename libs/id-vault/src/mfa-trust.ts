import { CertificateTypes, displayDate, displayName, NAMES_NSF, type NoteChange, type ReplicaState } from '@domsim/directory';
import { formatPatternCanonical, InvalidNameError, nameKey, parseTrustPattern, toAbbreviated, toCanonical, certifierCovers, type TrustPattern } from '@domsim/names';
import { certificateFingerprint, type CertifierId, IdFileError, openCertifierId } from '@domsim/pki';

import { MfaTrustError } from './errors';
import type { TrustAnchors } from './trust-anchors';
import { buildTrustCertificate, isCurrent, readTrustCertificates } from './trust-certificates';
import { findVaultDocument, MIN_MFA_DESIGN_VERSION, readVaultControl, readVaultDocuments, type VaultDocument } from './vault-documents';

/** Reads an ID file named relative to the server's data directory. */
export interface IdFileSource {
  /** @throws MfaTrustError with ID_FILE_NOT_FOUND or ID_FILE_OUTSIDE_DATA_DIRECTORY. */
  read(name: string): Buffer;
}

export interface MfaTrustRequest {
  readonly server: string;
  readonly pattern: string;
  readonly idFile: string;
  readonly password: string;
  readonly names: ReplicaState;
  readonly vaults: readonly ReplicaState[];
  readonly anchors: TrustAnchors;
  readonly now: Date;
}

export interface MfaTrustPlan {
  readonly database: string;
  readonly change: NoteChange;
  /** Abbreviated issuer, e.g. `/mfatest1`. */
  readonly certifier: string;
  /** Canonical pattern, e.g. `*` + `/O=mfatest1`. */
  readonly pattern: string;
  readonly vaultName: string;
}

export const MFA_TRUST_SUCCESS = 'MFA Trust created successfully';

/**
 * Decides what `mfamgmt create trustcert` writes: checks every precondition Domino has,
 * opens the certifier ID and builds the signed Multi-Factor Authentication Certificate.
 * Nothing is written here; the caller saves `plan.change` to names.nsf.
 *
 * @throws MfaTrustError naming the value that failed and what to do.
 */
export function planMfaTrust(request: MfaTrustRequest, idFiles: IdFileSource): MfaTrustPlan {
  const vault = chooseVault(request);
  const pattern = parsePattern(request.pattern);

  const certifier = openIdFile(idFiles, request.idFile, request.password);
  assertCertifierUsable(certifier, pattern, request);
  assertNoCertificateYet(request, vault, pattern);

  const document = buildTrustCertificate({
    type: CertificateTypes.Mfa,
    issuer: certifier.name,
    issuerKey: certifier.privateKey,
    issuedTo: vault.vaultName,
    pattern: formatPatternCanonical(pattern),
    issued: request.now,
  });
  // An expired certificate for the same grant has the same UNID; the new one replaces it.
  const replacesExpired = request.names.note(document.unid) !== undefined;
  return {
    database: NAMES_NSF,
    change: replacesExpired
      ? { kind: 'update', unid: document.unid, form: document.form, items: document.items }
      : { kind: 'create', unid: document.unid, form: document.form, items: document.items },
    certifier: toAbbreviated(certifier.name),
    pattern: formatPatternCanonical(pattern),
    vaultName: vault.vaultName,
  };
}

function chooseVault(request: MfaTrustRequest): VaultDocument {
  if (request.vaults.length === 0) {
    const servers = readVaultDocuments(request.names).flatMap((vault) => vault.servers.map(displayName));
    const where = servers.length > 0 ? `: ${[...new Set(servers)].join(', ')}` : '';
    throw new MfaTrustError('NOT_A_VAULT_SERVER', `This server does not host an ID vault. Run mfamgmt at the console of an ID vault server${where}`);
  }
  for (const replica of request.vaults) {
    const document = findVaultDocument(request.names, replica.info.path);
    const control = readVaultControl(replica);
    if (document === undefined || control === undefined) continue;
    if (control.designVersion < MIN_MFA_DESIGN_VERSION) {
      throw new MfaTrustError(
        'VAULT_DESIGN_TOO_OLD',
        `The ID vault database ${replica.info.path} has the design of ${control.designTemplate} ${control.designVersion}; upgrade it to the Domino ${MIN_MFA_DESIGN_VERSION} idvault.ntf design first`,
      );
    }
    return document;
  }
  throw new MfaTrustError(
    'VAULT_NOT_REPLICATED',
    `The ID vault database ${request.vaults[0].info.path} or its vault document has not replicated to this server yet; wait for replication or run it on another vault server`,
  );
}

function parsePattern(text: string): TrustPattern {
  try {
    return parseTrustPattern(text);
  } catch (error) {
    if (error instanceof InvalidNameError) {
      throw new MfaTrustError('INVALID_PATTERN', `Invalid trust pattern "${text}": ${error.reason}`);
    }
    throw error;
  }
}

function openIdFile(idFiles: IdFileSource, name: string, password: string): CertifierId {
  const bytes = idFiles.read(name);
  try {
    return openCertifierId(bytes, password, name);
  } catch (error) {
    if (error instanceof IdFileError) {
      throw new MfaTrustError(error.code === 'WRONG_PASSWORD' ? 'WRONG_PASSWORD' : 'NOT_AN_ID_FILE', error.message);
    }
    throw error;
  }
}

function assertCertifierUsable(certifier: CertifierId, pattern: TrustPattern, request: MfaTrustRequest): void {
  const label = toAbbreviated(certifier.name);
  if (certifier.notAfter.getTime() <= request.now.getTime()) {
    throw new MfaTrustError('CERTIFIER_EXPIRED', `Certifier ${label} in ${request.idFile} expired on ${displayDate(certifier.notAfter.toISOString())}; use a current certifier ID`);
  }
  if (!certifierCovers(certifier.name, pattern)) {
    throw new MfaTrustError(
      'CERTIFIER_DOES_NOT_COVER',
      `Certifier ${label} cannot grant trust for ${formatPatternCanonical(pattern)}; it covers only */${toCanonical(certifier.name)} and the units below it`,
    );
  }
  const trusted = request.anchors.fingerprintOf(toCanonical(certifier.name));
  if (trusted === undefined) {
    throw new MfaTrustError('CERTIFIER_NOT_IN_DIRECTORY', `Certifier ${label} in ${request.idFile} is not a certifier of this domain; no server could verify its certificate`);
  }
  if (certificateFingerprint(certifier.certificatePem) !== trusted) {
    throw new MfaTrustError('CERTIFIER_NOT_IN_DIRECTORY', `${request.idFile} holds a different key for ${label} than the certifier registered in the directory`);
  }
}

function assertNoCertificateYet(request: MfaTrustRequest, vault: VaultDocument, pattern: TrustPattern): void {
  const wanted = formatPatternCanonical(pattern).toLowerCase();
  const vaultKey = nameKey(vault.vaultName);
  const existing = readTrustCertificates(request.names).find(
    (certificate) =>
      certificate.type === CertificateTypes.Mfa &&
      certificate.pattern.toLowerCase() === wanted &&
      nameKey(certificate.issuedTo) === vaultKey &&
      isCurrent(certificate, request.now),
  );
  if (existing !== undefined) {
    throw new MfaTrustError(
      'CERTIFICATE_EXISTS',
      `A Multi-Factor Authentication Certificate for ${existing.pattern} already exists (issued by ${displayName(existing.issuedBy)} to ${displayName(vault.vaultName)} on ${displayDate(existing.issued.toISOString())}); delete it from the Certificates view to issue a new one`,
    );
  }
}
