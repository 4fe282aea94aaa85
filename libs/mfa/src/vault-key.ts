import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, generateKeyPairSync, hkdfSync, type KeyObject, randomBytes, scryptSync } from 'node:crypto';

import { z } from 'zod';

/**
 * A vault's TOTP key, kept in each vault server's data directory and never in the event log.
 * A copy of a log or of replicated events therefore contains only ciphertext and keyed hashes.
 * A server needs this file to read TOTP secrets.
 */
export interface VaultKey {
  /** Canonical vault name, e.g. `O=renovationsvault`. */
  readonly vault: string;
  /** Names the key in every value it sealed, so a value from another key is reported as such. */
  readonly keyId: string;
  readonly secretsKey: Buffer;
  readonly scratchCodeKey: Buffer;
  /** Opens TOTP requests that web servers seal for the vault (the public half is in the vault document). */
  readonly transportPrivateKey: KeyObject;
  readonly transportPublicKeyPem: string;
}

/** Folder of a vault server's data directory that contains vault key files. */
export const VAULT_KEY_DIRECTORY = 'IBM_ID_VAULT';

/** Path of a vault's key file relative to a data directory, next to where Domino keeps the vault database. */
export function vaultKeyFile(vaultCommonName: string): string {
  return `${VAULT_KEY_DIRECTORY}/${vaultCommonName}.key`;
}

const keyFileSchema = z.strictObject({
  format: z.literal(1),
  vault: z.string().min(1),
  masterKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64'),
  transportPrivateKey: z.string().min(1),
  transportPublicKey: z.string().min(1),
});

/** Creates the content of a new key file for a vault, and the public key for its vault document. */
export function newVaultKeyFile(vault: string): { text: string; transportPublicKeyPem: string } {
  const pair = generateKeyPairSync('x25519');
  const transportPublicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const file: z.infer<typeof keyFileSchema> = {
    format: 1,
    vault,
    masterKey: randomBytes(32).toString('base64'),
    transportPrivateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    transportPublicKey: transportPublicKeyPem,
  };
  return { text: `${JSON.stringify(file, null, 2)}\n`, transportPublicKeyPem };
}

/** @throws Error naming the field when the text is not a vault key file. */
export function parseVaultKeyFile(text: string): VaultKey {
  const file = keyFileSchema.parse(JSON.parse(text));
  const master = Buffer.from(file.masterKey, 'base64');
  return {
    vault: file.vault,
    keyId: createHash('sha256').update(master).digest('hex').slice(0, 16),
    secretsKey: subkey(master, 'totp secrets'),
    scratchCodeKey: subkey(master, 'scratch codes'),
    transportPrivateKey: createPrivateKey(file.transportPrivateKey),
    transportPublicKeyPem: file.transportPublicKey,
  };
}

const SEALED_PREFIX = 'v1';

/**
 * Encrypts a value for the vault document with AES-256-GCM: `v1.<key id>.<iv>.<ciphertext>.<tag>`.
 * `context` (the user and device) is authenticated, so a value copied to another user's
 * document or device does not decrypt.
 */
export function encryptForVault(key: VaultKey, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.secretsKey, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [SEALED_PREFIX, key.keyId, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Returns undefined when the value was encrypted with another key, for another context, or is damaged. */
export function decryptFromVault(key: VaultKey, sealed: string, context: string): string | undefined {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== SEALED_PREFIX || parts[1] !== key.keyId) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.secretsKey, Buffer.from(parts[2], 'base64url'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(parts[4], 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Returns the key id a sealed value names, to tell "another key" from "damaged" in messages. */
export function keyIdOf(sealed: string): string | undefined {
  const parts = sealed.split('.');
  return parts.length === 5 && parts[0] === SEALED_PREFIX ? parts[1] : undefined;
}

// scrypt cost for scratch codes is N=2^12, below the 2^14 of Internet passwords, because every
// enrollment and reset hashes 10 codes. One hash took about 20 ms on a 2-core VM.
const SCRYPT_COST = 4_096;
const SCRYPT_BLOCK_SIZE = 8;

/**
 * Hashes a scratch code: scrypt with the user's salt, then HMAC-SHA256 with the vault key.
 * Without the key file a stored hash cannot be tested at all. With it, each guess still
 * costs one scrypt.
 */
export function hashScratchCode(key: VaultKey, code: string, salt: string): string {
  const stretched = scryptSync(code, Buffer.from(salt, 'base64'), 32, { N: SCRYPT_COST, r: SCRYPT_BLOCK_SIZE, p: 1 });
  return createHmac('sha256', key.scratchCodeKey).update(stretched).digest('base64');
}

export function newScratchSalt(): string {
  return randomBytes(16).toString('base64');
}

function subkey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), Buffer.from(`domsim vault ${purpose} v1`), 32));
}
