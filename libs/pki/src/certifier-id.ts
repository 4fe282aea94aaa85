import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';

import forge from 'node-forge';

import { type DominoName, toCanonical } from '@domsim/names';

import { readCertificate } from './certificate';
import { NotAnIdFileError, WrongPasswordError } from './errors';

/** An opened certifier ID: the certifier's name, its private key and certificate. */
export interface CertifierId {
  readonly name: DominoName;
  readonly privateKey: KeyObject;
  readonly certificatePem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface CreateCertifierIdOptions {
  readonly name: DominoName;
  readonly password: string;
  readonly validFrom?: Date;
  readonly validityYears?: number;
  readonly keyBits?: number;
}

export interface CreatedCertifierId {
  /** The protected container (PKCS#12, DER) to write as the ID file. */
  readonly idFile: Buffer;
  readonly certificatePem: string;
  /** The certifier's key, for signing documents at domain creation without reopening the file. */
  readonly privateKey: KeyObject;
}

const DEFAULT_VALIDITY_YEARS = 10;
const DEFAULT_KEY_BITS = 2048;

/**
 * Creates a certifier ID: a fresh RSA key and a self-signed certificate for the
 * certifier, sealed in a password-protected PKCS#12 container. Node's crypto generates
 * the key (forge takes seconds); forge builds the certificate and the container.
 */
export function createCertifierId(options: CreateCertifierIdOptions): CreatedCertifierId {
  if (options.name.common !== undefined) {
    throw new Error(`certifier name ${toCanonical(options.name)} has a CN component; a certifier is an O or OU`);
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: options.keyBits ?? DEFAULT_KEY_BITS });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const forgePublicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);

  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forgePublicKey;
  certificate.serialNumber = `01${randomBytes(15).toString('hex')}`;
  const validFrom = options.validFrom ?? new Date();
  certificate.validity.notBefore = validFrom;
  certificate.validity.notAfter = addYears(validFrom, options.validityYears ?? DEFAULT_VALIDITY_YEARS);
  const subject = toX509Attributes(options.name);
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
  ]);
  certificate.sign(forgeKey, forge.md.sha256.create());

  const container = forge.pkcs12.toPkcs12Asn1(forgeKey, [certificate], options.password, {
    algorithm: 'aes256',
    friendlyName: toCanonical(options.name),
  });
  return {
    idFile: Buffer.from(forge.asn1.toDer(container).getBytes(), 'binary'),
    certificatePem: forge.pki.certificateToPem(certificate),
    privateKey,
  };
}

/**
 * Opens a certifier ID file with its password. `file` names the file in errors.
 *
 * @throws NotAnIdFileError when the bytes are not a PKCS#12 container holding a certifier key and certificate.
 * @throws WrongPasswordError when the password does not open the container.
 */
export function openCertifierId(bytes: Buffer, password: string, file: string): CertifierId {
  const asn1 = parseContainer(bytes, file);
  const container = decryptContainer(asn1, password, file);

  const keyBags = container.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? [];
  const certBags = container.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  const forgeKey = keyBags[0]?.key;
  const forgeCertificate = certBags[0]?.cert;
  if (forgeKey === undefined || forgeKey === null || forgeCertificate === undefined || forgeCertificate === null) {
    throw new NotAnIdFileError(file, 'the container holds no certifier key and certificate');
  }

  const certificatePem = forge.pki.certificateToPem(forgeCertificate);
  const info = readCertificate(certificatePem);
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(forgeKey));
  return { name: info.name, privateKey, certificatePem, notBefore: info.notBefore, notAfter: info.notAfter };
}

function parseContainer(bytes: Buffer, file: string): forge.asn1.Asn1 {
  if (bytes.length === 0) {
    throw new NotAnIdFileError(file, 'the file is empty');
  }
  try {
    return forge.asn1.fromDer(bytes.toString('binary'), true);
  } catch {
    throw new NotAnIdFileError(file, 'the file is not a protected key container (PKCS#12)');
  }
}

function decryptContainer(asn1: forge.asn1.Asn1, password: string, file: string): forge.pkcs12.Pkcs12Pfx {
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, true, password);
  } catch (error) {
    // NOTE: forge raises plain Errors without codes, so the MAC failure (the sign of a wrong
    // password) can only be recognised by its message text.
    if (error instanceof Error && /MAC could not be verified|Invalid password/i.test(error.message)) {
      throw new WrongPasswordError(file);
    }
    throw new NotAnIdFileError(file, 'the container is damaged or not a PKCS#12 file');
  }
}

function toX509Attributes(name: DominoName): forge.pki.CertificateField[] {
  const attributes: forge.pki.CertificateField[] = [];
  if (name.country !== undefined) attributes.push({ shortName: 'C', value: name.country });
  attributes.push({ shortName: 'O', value: name.organization });
  for (const unit of [...name.units].reverse()) attributes.push({ shortName: 'OU', value: unit });
  return attributes;
}

function addYears(date: Date, years: number): Date {
  const result = new Date(date.getTime());
  result.setUTCFullYear(result.getUTCFullYear() + years);
  return result;
}
