import { createHash, X509Certificate } from 'node:crypto';

import forge from 'node-forge';

import { type DominoName, toCanonical } from '@domsim/names';

/** What domsim reads from a certifier's X.509 certificate. */
export interface CertificateInfo {
  readonly name: DominoName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKeyPem: string;
  readonly fingerprint: string;
}

/**
 * Reads a certifier certificate. The Domino name comes from the subject's O, OU and C
 * attributes, read by forge so that values with commas or quotes keep their text; X.509
 * lists them most significant first, so the OUs are reversed.
 */
export function readCertificate(certificatePem: string): CertificateInfo {
  const certificate = new X509Certificate(certificatePem);
  const attributes = forge.pki.certificateFromPem(certificatePem).subject.attributes.map((attribute) => ({
    key: attribute.shortName ?? '',
    value: String(attribute.value ?? ''),
  }));
  const organization = attributes.find((attribute) => attribute.key === 'O')?.value;
  if (organization === undefined) {
    throw new Error(`certificate subject "${certificate.subject.replace(/\n/g, ', ')}" has no O attribute`);
  }
  const units = attributes.filter((attribute) => attribute.key === 'OU').map((attribute) => attribute.value).reverse();
  const country = attributes.find((attribute) => attribute.key === 'C')?.value;

  return {
    name: { units, organization, country },
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    publicKeyPem: certificate.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: certificateFingerprint(certificatePem),
  };
}

/** SHA-256 of the certificate's DER bytes, as lower-case hex. */
export function certificateFingerprint(certificatePem: string): string {
  return createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex');
}

/** True when the certificate is self-signed by its own key (a root certifier). */
export function isSelfSigned(certificatePem: string): boolean {
  const certificate = new X509Certificate(certificatePem);
  return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
}

/** True when both certificates name the same certifier, without regard to case. */
export function certifierNameMatches(certificatePem: string, certifier: DominoName): boolean {
  return toCanonical(readCertificate(certificatePem).name).toLowerCase() === toCanonical(certifier).toLowerCase();
}
