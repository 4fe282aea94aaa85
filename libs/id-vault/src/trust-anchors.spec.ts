import forge from 'node-forge';

import { CertificateTypes, type Items, NAMES_NSF, ReplicaState, type Revision } from '@domsim/directory';
import { buildTrustCertificate, createCertificateCheck, SIGNATURE_ITEM, TrustAnchors } from '@domsim/id-vault';
import { parseName } from '@domsim/names';
import { createCertifierId, type CreatedCertifierId } from '@domsim/pki';
import { buildNamesDocuments, defaultTopologyPath, loadTopology } from '@domsim/topology';

const ISSUED = new Date('2026-01-15T10:00:00.000Z');
const NOW = new Date('2026-05-01T12:00:00.000Z');
const REPLICA_ID = '852564AC:044EBCCF';
const UNID = '0123456789ABCDEF0123456789ABCDEF';
const MFA = CertificateTypes.Mfa;

const renovations = createCertifierId({ name: parseName('/renovations'), password: 'pw', validFrom: ISSUED, keyBits: 1024 });
const mfatest1 = createCertifierId({ name: parseName('/mfatest1'), password: 'pw', validFrom: ISSUED, keyBits: 1024 });
const impostor = createCertifierId({ name: parseName('/mfatest1'), password: 'pw', validFrom: ISSUED, keyBits: 1024 });
const stranger = createCertifierId({ name: parseName('/mfatest2'), password: 'pw', validFrom: ISSUED, keyBits: 1024 });

const anchors = new TrustAnchors([
  { name: 'O=renovations', certificatePem: renovations.certificatePem },
  { name: 'O=mfatest1', certificatePem: mfatest1.certificatePem },
]);
const check = createCertificateCheck(anchors);
const names = new ReplicaState({ replicaId: REPLICA_ID, path: NAMES_NSF, title: 'Directory' });

function revision(form: string | undefined, items: Items | undefined, deleted = false): Revision {
  return { replicaId: REPLICA_ID, unid: UNID, originator: 'CN=server2/O=renovations', counter: 1, seq: 1, seqTime: NOW.getTime(), parent: null, deleted, form, items };
}

function mfaCertificate(issuer: string, key: CreatedCertifierId, pattern = '*/O=mfatest1'): Items {
  return buildTrustCertificate({ type: MFA, issuer: parseName(issuer), issuerKey: key.privateKey, issuedTo: 'O=renovationsvault', pattern, issued: NOW }).items;
}

function certifierDocument(name: string, certificatePem: string): Items {
  return { CertificateType: CertificateTypes.NotesCertifier, IssuedBy: name, IssuedTo: name, Certificate: certificatePem };
}

/** Re-signs a certifier's certificate with another certifier's key, so it is no longer self-signed. */
function signedByOther(subject: CreatedCertifierId, issuer: CreatedCertifierId): string {
  const certificate = forge.pki.certificateFromPem(subject.certificatePem);
  certificate.setIssuer(forge.pki.certificateFromPem(issuer.certificatePem).subject.attributes);
  certificate.sign(forge.pki.privateKeyFromPem(issuer.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

describe('TrustAnchors', () => {
  it.each([['O=mfatest1'], ['/mfatest1'], ['o=MFATEST1']])('finds %s', (name) => {
    expect(anchors.certificateOf(name)).toBe(mfatest1.certificatePem);
    expect(anchors.fingerprintOf(name)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([['O=mfatest2'], ['mfatest1'], ['']])('finds nothing for %j', (name) => {
    expect(anchors.certificateOf(name)).toBeUndefined();
    expect(anchors.fingerprintOf(name)).toBeUndefined();
  });
});

describe('createCertificateCheck', () => {
  it('accepts a certificate signed by its issuer', () => {
    expect(check(revision('Certificate', mfaCertificate('/mfatest1', mfatest1)), names)).toBeUndefined();
  });

  it('accepts the initial directory', () => {
    const topology = loadTopology(defaultTopologyPath());
    const documents = buildNamesDocuments(
      topology,
      [
        { name: 'O=renovations', certificatePem: renovations.certificatePem, privateKey: renovations.privateKey },
        { name: 'O=mfatest1', certificatePem: mfatest1.certificatePem, privateKey: mfatest1.privateKey },
      ],
      ISSUED,
    );

    const reasons = documents.map((document) => check(revision(document.form, document.items), names));

    expect(documents.filter((document) => document.form === 'Certificate').length).toBeGreaterThan(0);
    expect(reasons.filter((reason) => reason !== undefined)).toEqual([]);
  });

  it.each<[string, () => Items, string]>([
    [
      'an altered pattern',
      () => ({ ...mfaCertificate('/mfatest1', mfatest1), AllowedPattern: '*/O=renovations' }),
      'the signature of the Multi-Factor Authentication Certificate does not verify with the public key of O=mfatest1',
    ],
    [
      'an altered expiration',
      () => ({ ...mfaCertificate('/mfatest1', mfatest1), Expiration: '2099-01-01T00:00:00.000Z' }),
      'the signature of the Multi-Factor Authentication Certificate does not verify with the public key of O=mfatest1',
    ],
    [
      'an added item',
      () => ({ ...mfaCertificate('/mfatest1', mfatest1), VaultName: 'O=renovationsvault' }),
      'the signature of the Multi-Factor Authentication Certificate does not verify with the public key of O=mfatest1',
    ],
    [
      'a changed issuer',
      () => ({ ...mfaCertificate('/mfatest1', mfatest1), IssuedBy: 'O=renovations' }),
      'the signature of the Multi-Factor Authentication Certificate does not verify with the public key of O=renovations',
    ],
    [
      'a signature from another key',
      () => mfaCertificate('/mfatest1', impostor),
      'the signature of the Multi-Factor Authentication Certificate does not verify with the public key of O=mfatest1',
    ],
    ['an untrusted issuer', () => mfaCertificate('/mfatest2', stranger, '*/O=mfatest2'), 'issuer O=mfatest2 is not a certifier this server trusts'],
    [
      'a missing signature',
      () => {
        const { [SIGNATURE_ITEM]: _signature, ...unsigned } = mfaCertificate('/mfatest1', mfatest1);
        return unsigned;
      },
      'the Multi-Factor Authentication Certificate from O=mfatest1 is not signed',
    ],
    ['an unknown type', () => ({ ...mfaCertificate('/mfatest1', mfatest1), CertificateType: 'Cross Certificate' }), 'unknown certificate type "Cross Certificate"'],
    ['a certifier type', () => ({ ...mfaCertificate('/mfatest1', mfatest1), CertificateType: CertificateTypes.NotesCertifier }), 'unknown certificate type "Notes Certifier"'],
  ])('rejects a certificate with %s', (_label, items, reason) => {
    expect(check(revision('Certificate', items()), names)).toBe(reason);
  });

  it('checks the form without regard to case', () => {
    const items = { ...mfaCertificate('/mfatest1', mfatest1), AllowedPattern: '*/O=renovations' };

    expect(check(revision('CERTIFICATE', items), names)).toBeDefined();
  });

  // planMfaTrust refuses this grant with CERTIFIER_DOES_NOT_COVER, so a replicated copy must fail the same rule.
  it('rejects a grant outside the issuer scope', () => {
    const items = mfaCertificate('/renovations', renovations, '*/O=mfatest1');

    expect(check(revision('Certificate', items), names)).toBeDefined();
  });

  it('accepts the anchor in a Certifier document', () => {
    expect(check(revision('Certifier', certifierDocument('O=mfatest1', mfatest1.certificatePem)), names)).toBeUndefined();
  });

  it.each<[string, () => Items, string]>([
    ['another key', () => certifierDocument('O=mfatest1', impostor.certificatePem), 'the certificate of O=mfatest1 differs from the one this server trusts'],
    ["another certifier's certificate", () => certifierDocument('O=mfatest1', renovations.certificatePem), 'the certificate of O=mfatest1 differs from the one this server trusts'],
    ['an untrusted certifier', () => certifierDocument('O=mfatest2', stranger.certificatePem), 'certifier O=mfatest2 is not one this server trusts'],
    ['no certifier name', () => certifierDocument('', mfatest1.certificatePem), 'certifier (none) is not one this server trusts'],
    ['a certificate signed by another key', () => certifierDocument('O=mfatest1', signedByOther(mfatest1, renovations)), 'the certificate of O=mfatest1 is not signed by its own key'],
    ['text that is not a certificate', () => certifierDocument('O=mfatest1', 'not a certificate'), 'the certificate of O=mfatest1 cannot be read'],
  ])('rejects a Certifier document with %s', (_label, items, reason) => {
    expect(check(revision('Certifier', items()), names)).toBe(reason);
  });

  it.each([
    ['a deletion stub', revision(undefined, undefined, true)],
    ['another form', revision('Person', { FullName: 'CN=web user/O=renovations', Signature: 'not checked' })],
  ])('passes %s', (_label, candidate) => {
    expect(check(candidate, names)).toBeUndefined();
  });
});
