import { createPublicKey } from 'node:crypto';

import forge from 'node-forge';

import { parseName, toCanonical } from '@domsim/names';
import { certificateFingerprint, certifierNameMatches, createCertifierId, type CreatedCertifierId, isSelfSigned, readCertificate } from '@domsim/pki';

const VALID_FROM = new Date('2026-01-15T10:00:00.000Z');

/** Re-signs the certificate of `subject` with the key of `issuer`, as a certifier signs a unit below it. */
function issuedBy(issuer: CreatedCertifierId, subject: CreatedCertifierId): string {
  const certificate = forge.pki.certificateFromPem(subject.certificatePem);
  certificate.setIssuer(forge.pki.certificateFromPem(issuer.certificatePem).subject.attributes);
  certificate.sign(forge.pki.privateKeyFromPem(issuer.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

describe('readCertificate', () => {
  let root: CreatedCertifierId;
  let unit: CreatedCertifierId;

  beforeAll(() => {
    root = createCertifierId({ name: parseName('/mfatest1'), password: 'pw', validFrom: VALID_FROM, keyBits: 1024 });
    unit = createCertifierId({ name: parseName('/east/sales/mfatest1'), password: 'pw', validFrom: VALID_FROM, keyBits: 1024 });
  });

  it('reads name and validity', () => {
    const info = readCertificate(root.certificatePem);

    expect(toCanonical(info.name)).toBe('O=mfatest1');
    expect(info.notBefore.toISOString()).toBe('2026-01-15T10:00:00.000Z');
    expect(info.notAfter.toISOString()).toBe('2036-01-15T10:00:00.000Z');
  });

  it('keeps OUs lowest first', () => {
    const info = readCertificate(unit.certificatePem);

    expect(info.name.units).toEqual(['east', 'sales']);
    expect(toCanonical(info.name)).toBe('OU=east/OU=sales/O=mfatest1');
  });

  it('reads the public key of the certifier', () => {
    const info = readCertificate(root.certificatePem);

    expect(info.publicKeyPem).toBe(createPublicKey(root.privateKey).export({ type: 'spki', format: 'pem' }));
    expect(info.publicKeyPem).not.toBe(createPublicKey(unit.privateKey).export({ type: 'spki', format: 'pem' }));
  });

  it('fingerprints the DER bytes', () => {
    const info = readCertificate(root.certificatePem);

    expect(info.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(info.fingerprint).toBe(certificateFingerprint(root.certificatePem));
    expect(info.fingerprint).not.toBe(certificateFingerprint(unit.certificatePem));
  });

  it('throws for text that is not a certificate', () => {
    expect(() => readCertificate('not a certificate')).toThrow();
  });
});

describe('isSelfSigned', () => {
  let root: CreatedCertifierId;
  let other: CreatedCertifierId;

  beforeAll(() => {
    root = createCertifierId({ name: parseName('/mfatest1'), password: 'pw', keyBits: 1024 });
    other = createCertifierId({ name: parseName('/sales/mfatest1'), password: 'pw', keyBits: 1024 });
  });

  it('accepts a created certifier', () => {
    expect(isSelfSigned(root.certificatePem)).toBe(true);
  });

  it('rejects a certificate signed by another key', () => {
    const certificatePem = issuedBy(root, other);

    expect(isSelfSigned(certificatePem)).toBe(false);
  });
});

describe('certifierNameMatches', () => {
  let certifier: CreatedCertifierId;

  beforeAll(() => {
    certifier = createCertifierId({ name: parseName('/mfatest1'), password: 'pw', keyBits: 1024 });
  });

  it.each([
    ['/mfatest1', true],
    ['/MFATEST1', true],
    ['/sales/mfatest1', false],
    ['/renovations', false],
  ])('%s is %s', (name, expected) => {
    expect(certifierNameMatches(certifier.certificatePem, parseName(name))).toBe(expected);
  });
});
