import type { KeyObject } from 'node:crypto';

import { CertificateTypes, type CertificateType, deriveUnid, Forms, type Items, type Note, type ReplicaState, textItem } from '@domsim/directory';
import { type DominoName, nameKey, toCanonical } from '@domsim/names';
import { signItems } from '@domsim/pki';

/** A trust certificate document read from names.nsf. Names are canonical. */
export interface TrustCertificate {
  readonly unid: string;
  readonly type: CertificateType;
  readonly issuedBy: string;
  readonly issuedTo: string;
  readonly pattern: string;
  /** Canonical vault name on password reset certificates, empty on the others. */
  readonly vaultName: string;
  readonly issued: Date;
  readonly expiration: Date;
}

export const SIGNATURE_ITEM = 'Signature';
export const SIGNATURE_ALGORITHM = 'RSA-SHA256';

/** Default lifetime of vault and MFA trust certificates: Domino issues them for 10 years. */
export const TRUST_VALIDITY_YEARS = 10;

export interface TrustCertificateRequest {
  readonly type: CertificateType;
  readonly issuer: DominoName;
  readonly issuerKey: KeyObject;
  /** Canonical name of the vault, person or server the certificate is issued to. */
  readonly issuedTo: string;
  /** Canonical wildcard name such as `*` + `/O=mfatest1`; MFA certificates only. */
  readonly pattern?: string;
  /** Canonical name of the vault a password reset certificate applies to. */
  readonly vaultName?: string;
  readonly issued: Date;
  readonly validityYears?: number;
}

/**
 * Builds a signed trust certificate document. Its UNID is derived from what it grants
 * (type, issuer, subject and pattern), so the same grant made on two servers at once is
 * one note with two revisions, and the conflict rule leaves one effective certificate.
 */
export function buildTrustCertificate(request: TrustCertificateRequest): { unid: string; form: string; items: Items } {
  const issuedBy = toCanonical(request.issuer);
  const expiration = new Date(request.issued.getTime());
  expiration.setUTCFullYear(expiration.getUTCFullYear() + (request.validityYears ?? TRUST_VALIDITY_YEARS));

  const signed: Record<string, string> = {
    CertificateType: request.type,
    IssuedBy: issuedBy,
    IssuedTo: request.issuedTo,
    Issued: request.issued.toISOString(),
    Expiration: expiration.toISOString(),
    SignatureAlgorithm: SIGNATURE_ALGORITHM,
  };
  if (request.pattern !== undefined) signed.AllowedPattern = request.pattern;
  if (request.vaultName !== undefined) signed.VaultName = request.vaultName;

  const unid = trustCertificateUnid(request.type, issuedBy, request.issuedTo, request.pattern ?? '');
  return { unid, form: Forms.Certificate, items: { ...signed, [SIGNATURE_ITEM]: signItems(signed, request.issuerKey) } };
}

export function trustCertificateUnid(type: string, issuedBy: string, issuedTo: string, pattern: string): string {
  return deriveUnid('trust-certificate', type, nameKey(issuedBy), issuedTo.toLowerCase(), pattern.toLowerCase());
}

/** The items a trust certificate's signature covers: all but the signature itself. */
export function signedItemsOf(items: Items): Record<string, unknown> {
  const { [SIGNATURE_ITEM]: _signature, ...signed } = items;
  return signed;
}

export function readTrustCertificates(names: ReplicaState): TrustCertificate[] {
  return [...names.documentsOfForm(Forms.Certificate)].map(toTrustCertificate).filter((certificate) => certificate !== undefined);
}

function toTrustCertificate(note: Note): TrustCertificate | undefined {
  const type = textItem(note.items, 'CertificateType');
  if (!(Object.values(CertificateTypes) as string[]).includes(type)) return undefined;
  return {
    unid: note.unid,
    type: type as CertificateType,
    issuedBy: textItem(note.items, 'IssuedBy'),
    issuedTo: textItem(note.items, 'IssuedTo'),
    pattern: textItem(note.items, 'AllowedPattern'),
    vaultName: textItem(note.items, 'VaultName'),
    issued: new Date(textItem(note.items, 'Issued')),
    expiration: new Date(textItem(note.items, 'Expiration')),
  };
}

export function isCurrent(certificate: TrustCertificate, now: Date): boolean {
  return certificate.expiration.getTime() > now.getTime() && certificate.issued.getTime() <= now.getTime() + CLOCK_SKEW_MS;
}

// NOTE: servers' clocks may differ slightly; a certificate issued a few seconds "in the
// future" by another server is still shown and honoured.
const CLOCK_SKEW_MS = 5 * 60 * 1000;
