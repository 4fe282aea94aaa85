import forge from 'node-forge';

import { parseName, toCanonical } from '@domsim/names';
import { createCertifierId, type CreatedCertifierId, IdFileError, NotAnIdFileError, openCertifierId, WrongPasswordError } from '@domsim/pki';

const WRONG_PASSWORD_TEXT = 'Wrong Password. (Passwords are case sensitive - be sure to use correct upper and lower case.)';
const VALID_FROM = new Date('2026-01-15T10:00:00.000Z');

function openError(bytes: Buffer, password: string, file: string): IdFileError {
  try {
    openCertifierId(bytes, password, file);
  } catch (error) {
    if (error instanceof IdFileError) return error;
    throw error;
  }
  throw new Error(`openCertifierId opened ${file}`);
}

describe('createCertifierId', () => {
  let created: CreatedCertifierId;

  beforeAll(() => {
    created = createCertifierId({ name: parseName('/mfatest1'), password: 'Secret-1', validFrom: VALID_FROM, keyBits: 1024 });
  });

  it('round trips through openCertifierId', () => {
    const opened = openCertifierId(created.idFile, 'Secret-1', 'cert.id');

    expect(toCanonical(opened.name)).toBe('O=mfatest1');
    expect(opened.certificatePem).toBe(created.certificatePem);
    expect(opened.privateKey.export({ type: 'pkcs8', format: 'pem' })).toBe(created.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  });

  it('is valid for 10 years by default', () => {
    const opened = openCertifierId(created.idFile, 'Secret-1', 'cert.id');

    expect(opened.notBefore.toISOString()).toBe('2026-01-15T10:00:00.000Z');
    expect(opened.notAfter.toISOString()).toBe('2036-01-15T10:00:00.000Z');
  });

  it('honours validityYears', () => {
    const short = createCertifierId({ name: parseName('/mfatest1'), password: 'pw', validFrom: VALID_FROM, validityYears: 2, keyBits: 1024 });

    const opened = openCertifierId(short.idFile, 'pw', 'short.id');

    expect(opened.notAfter.toISOString()).toBe('2028-01-15T10:00:00.000Z');
  });

  it.each([['/OU=east/OU=sales/O=mfatest1/C=US'], ['/Müller Bau']])('keeps the name %s', (input) => {
    const id = createCertifierId({ name: parseName(input), password: 'pw', keyBits: 1024 });

    const opened = openCertifierId(id.idFile, 'pw', 'cert.id');

    expect(toCanonical(opened.name)).toBe(toCanonical(parseName(input)));
  });

  // parseName accepts these characters, so a certifier created with them must open under the same name.
  it.each([['/O=Acme, Inc.'], ['/OU=R+D/O=acme']])('keeps the name %s with X.509 special characters', (input) => {
    const id = createCertifierId({ name: parseName(input), password: 'pw', keyBits: 1024 });

    const opened = openCertifierId(id.idFile, 'pw', 'cert.id');

    expect(toCanonical(opened.name)).toBe(toCanonical(parseName(input)));
  });

  it('rejects a name with a common name', () => {
    expect(() => createCertifierId({ name: parseName('server1/mfatest1'), password: 'pw', keyBits: 1024 })).toThrow(
      'certifier name CN=server1/O=mfatest1 has a CN component; a certifier is an O or OU',
    );
  });
});

describe('openCertifierId', () => {
  let created: CreatedCertifierId;

  beforeAll(() => {
    created = createCertifierId({ name: parseName('/mfatest1'), password: 'Secret-1', keyBits: 1024 });
  });

  it.each([['secret-1'], ['Secret-2'], ['']])('rejects the password %j', (password) => {
    const error = openError(created.idFile, password, 'cert.id');

    expect(error).toBeInstanceOf(WrongPasswordError);
    expect(error.code).toBe('WRONG_PASSWORD');
    expect(error.file).toBe('cert.id');
    expect(error.message).toBe(WRONG_PASSWORD_TEXT);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 'the file is empty'],
    ['text', Buffer.from('[Notes]\nKeyFilename=server.id\n'), 'the file is not a protected key container (PKCS#12)'],
    ['random bytes', Buffer.from('5f0e8a1c9d2b7e4f3a6c8b0d1e2f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f', 'hex'), 'the file is not a protected key container (PKCS#12)'],
    ['a DER structure that is not PKCS#12', Buffer.from([0x30, 0x03, 0x02, 0x01, 0x03]), 'the container is damaged or not a PKCS#12 file'],
  ])('rejects %s', (_label, bytes, reason) => {
    const error = openError(bytes, 'Secret-1', 'notes.ini');

    expect(error).toBeInstanceOf(NotAnIdFileError);
    expect(error.code).toBe('NOT_AN_ID_FILE');
    expect(error.file).toBe('notes.ini');
    expect((error as NotAnIdFileError).reason).toBe(reason);
    expect(error.message).toBe(`File notes.ini is not a valid certifier ID file: ${reason}`);
  });

  it('rejects a truncated ID file', () => {
    const error = openError(created.idFile.subarray(0, 100), 'Secret-1', 'cert.id');

    expect(error).toBeInstanceOf(NotAnIdFileError);
  });

  it('rejects a container without a key', () => {
    const certificate = forge.pki.certificateFromPem(created.certificatePem);
    const container = forge.pkcs12.toPkcs12Asn1(null, [certificate], 'Secret-1', { algorithm: 'aes256' });
    const bytes = Buffer.from(forge.asn1.toDer(container).getBytes(), 'binary');

    const error = openError(bytes, 'Secret-1', 'public.id');

    expect(error).toBeInstanceOf(NotAnIdFileError);
    expect((error as NotAnIdFileError).reason).toBe('the container holds no certifier key and certificate');
  });
});
