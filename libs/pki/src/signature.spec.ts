import { parseName } from '@domsim/names';
import { createCertifierId, type CreatedCertifierId, signItems, verifyItems } from '@domsim/pki';

const ITEMS = {
  CertificateType: 'Multi-Factor Authentication Certificate',
  IssuedBy: 'O=mfatest1',
  IssuedTo: 'O=renovationsvault',
  AllowedPattern: '*/O=mfatest1',
  Expiration: '2036-05-01T12:00:00.000Z',
};

describe('signItems', () => {
  let certifier: CreatedCertifierId;
  let stranger: CreatedCertifierId;

  beforeAll(() => {
    certifier = createCertifierId({ name: parseName('/mfatest1'), password: 'pw', keyBits: 1024 });
    stranger = createCertifierId({ name: parseName('/mfatest1'), password: 'pw', keyBits: 1024 });
  });

  it('verifies with the certificate', () => {
    const signature = signItems(ITEMS, certifier.privateKey);

    expect(verifyItems(ITEMS, signature, certifier.certificatePem)).toBe(true);
  });

  it('verifies with the public key', () => {
    const publicKeyPem = certifier.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const signature = signItems(ITEMS, certifier.privateKey);

    expect(verifyItems(ITEMS, signature, publicKeyPem)).toBe(true);
  });

  it('ignores key order', () => {
    const reversed = Object.fromEntries(Object.entries(ITEMS).reverse());

    const signature = signItems(ITEMS, certifier.privateKey);

    expect(Object.keys(reversed)).not.toEqual(Object.keys(ITEMS));
    expect(verifyItems(reversed, signature, certifier.certificatePem)).toBe(true);
  });

  it.each([
    ['a changed item', { ...ITEMS, AllowedPattern: '*/O=renovations' }],
    ['a changed case', { ...ITEMS, IssuedTo: 'O=RenovationsVault' }],
    ['an added item', { ...ITEMS, Extra: '' }],
    ['a removed item', { CertificateType: ITEMS.CertificateType, IssuedBy: ITEMS.IssuedBy, IssuedTo: ITEMS.IssuedTo, AllowedPattern: ITEMS.AllowedPattern }],
    ['a number for a string', { ...ITEMS, Expiration: Date.parse(ITEMS.Expiration) }],
  ])('fails for %s', (_label, altered) => {
    const signature = signItems(ITEMS, certifier.privateKey);

    expect(verifyItems(altered, signature, certifier.certificatePem)).toBe(false);
  });

  it("fails with another certifier's key", () => {
    const signature = signItems(ITEMS, stranger.privateKey);

    expect(verifyItems(ITEMS, signature, certifier.certificatePem)).toBe(false);
  });

  it.each([
    ['an empty signature', ''],
    ['text that is not base64', 'not a signature!'],
  ])('fails for %s', (_label, signature) => {
    expect(verifyItems(ITEMS, signature, certifier.certificatePem)).toBe(false);
  });

  it('fails for a key that is not PEM', () => {
    const signature = signItems(ITEMS, certifier.privateKey);

    expect(verifyItems(ITEMS, signature, 'not a key')).toBe(false);
  });
});
