import type { RevisionCheck } from '@domsim/directory';
import { CertificateTypes, Forms, textItem } from '@domsim/directory';
import { certifierCovers, nameKey, parseName, parseTrustPattern, tryNameKey } from '@domsim/names';
import { certificateFingerprint, isSelfSigned, readCertificate, verifyItems } from '@domsim/pki';

import { SIGNATURE_ITEM, signedItemsOf } from './trust-certificates';

/** A certifier's certificate that a server was set up to trust. */
export interface TrustAnchor {
  /** Canonical certifier name, e.g. `O=mfatest1`. */
  readonly name: string;
  readonly certificatePem: string;
}

/**
 * The certifiers a server trusts, by name. Like the certificates in a Domino server's ID,
 * they come with the server's setup, so a server can check a signed document even before
 * the Certifier document that carries the same certificate has replicated to it.
 */
export class TrustAnchors {
  private readonly byName = new Map<string, { certificatePem: string; fingerprint: string }>();

  constructor(anchors: readonly TrustAnchor[]) {
    for (const anchor of anchors) {
      this.byName.set(nameKey(anchor.name), { certificatePem: anchor.certificatePem, fingerprint: certificateFingerprint(anchor.certificatePem) });
    }
  }

  certificateOf(certifier: string): string | undefined {
    return this.byName.get(tryNameKey(certifier) ?? '')?.certificatePem;
  }

  fingerprintOf(certifier: string): string | undefined {
    return this.byName.get(tryNameKey(certifier) ?? '')?.fingerprint;
  }
}

/**
 * The check every server runs on a revision before storing it: a Certifier document must
 * carry the certificate the server trusts for that certifier, and a trust certificate must
 * be signed by the key of the certifier it names as issuer.
 */
export function createCertificateCheck(anchors: TrustAnchors): RevisionCheck {
  return (revision) => {
    if (revision.deleted || revision.items === undefined || revision.form === undefined) return undefined;
    const form = revision.form.toLowerCase();
    if (form === Forms.Certifier.toLowerCase()) return checkCertifierDocument(revision.items, anchors);
    if (form === Forms.Certificate.toLowerCase()) return checkTrustCertificate(revision.items, anchors);
    return undefined;
  };
}

function checkCertifierDocument(items: Parameters<typeof textItem>[0], anchors: TrustAnchors): string | undefined {
  const certifier = textItem(items, 'IssuedTo');
  const certificatePem = textItem(items, 'Certificate');
  const trusted = anchors.fingerprintOf(certifier);
  if (trusted === undefined) return `certifier ${certifier || '(none)'} is not one this server trusts`;
  try {
    if (!isSelfSigned(certificatePem)) return `the certificate of ${certifier} is not signed by its own key`;
    if (certificateFingerprint(certificatePem) !== trusted) return `the certificate of ${certifier} differs from the one this server trusts`;
    if (nameKey(readCertificate(certificatePem).name) !== nameKey(certifier)) return `the certificate is issued to another name than ${certifier}`;
  } catch {
    return `the certificate of ${certifier} cannot be read`;
  }
  return undefined;
}

function checkTrustCertificate(items: Parameters<typeof textItem>[0], anchors: TrustAnchors): string | undefined {
  const type = textItem(items, 'CertificateType');
  if (!(Object.values(CertificateTypes) as string[]).includes(type) || type === CertificateTypes.NotesCertifier) {
    return `unknown certificate type "${type}"`;
  }
  const issuer = textItem(items, 'IssuedBy');
  const certificatePem = anchors.certificateOf(issuer);
  if (certificatePem === undefined) return `issuer ${issuer || '(none)'} is not a certifier this server trusts`;
  const signature = textItem(items, SIGNATURE_ITEM);
  if (signature === '') return `the ${type} from ${issuer} is not signed`;
  if (!verifyItems(signedItemsOf(items), signature, certificatePem)) {
    return `the signature of the ${type} does not verify with the public key of ${issuer}`;
  }
  if (type === CertificateTypes.Mfa) return checkMfaScope(issuer, textItem(items, 'AllowedPattern'));
  return undefined;
}

/** A certifier may grant MFA trust only for its own O or OU and the units below it. */
function checkMfaScope(issuer: string, pattern: string): string | undefined {
  try {
    if (!certifierCovers(parseName(issuer), parseTrustPattern(pattern))) return `certifier ${issuer} cannot grant MFA trust for ${pattern}`;
  } catch {
    return `the MFA certificate's pattern "${pattern}" or issuer "${issuer}" is not a valid name`;
  }
  return undefined;
}
