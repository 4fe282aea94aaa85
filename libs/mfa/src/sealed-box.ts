import { createCipheriv, createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';

import { z } from 'zod';

/** A message sealed for one X25519 public key: an ephemeral key agreement, HKDF-SHA256, then AES-256-GCM. */
export interface SealedBox {
  readonly ephemeralKey: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

/** Bounds a sealed message so that a request cannot make the receiver decrypt megabytes. */
export const MAX_SEALED_CIPHERTEXT = 16 * 1024;

export const sealedBoxSchema = z.strictObject({
  ephemeralKey: z.string().min(1).max(256),
  iv: z.string().min(1).max(64),
  ciphertext: z.string().max(MAX_SEALED_CIPHERTEXT),
  tag: z.string().min(1).max(64),
});

/** The sealed box was made for another key, for other associated data, or was altered. */
export class SealedBoxError extends Error {
  readonly code = 'SEALED_BOX_INVALID';

  constructor() {
    super('the sealed message cannot be opened: it was sealed for another key or altered on the way');
    this.name = 'SealedBoxError';
  }
}

const HKDF_INFO = Buffer.from('domsim totp transport v1');

/** A new X25519 key pair; the public key as base64 SPKI DER, short enough for a message field. */
export function newTransportKeyPair(): { publicKey: string; privateKey: KeyObject } {
  const pair = generateKeyPairSync('x25519');
  return { publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), privateKey: pair.privateKey };
}

/** Reads a public key given as PEM or as base64 SPKI DER. */
export function transportPublicKey(key: string): KeyObject {
  return key.includes('-----BEGIN') ? createPublicKey(key) : createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' });
}

/**
 * Seals text for the holder of `recipient`'s private key. `associatedData` is authenticated
 * but not sent, so the receiver must know it: it binds the box to its context (sender,
 * operation), and a box moved to another context does not open.
 */
export function seal(recipient: KeyObject, plaintext: string, associatedData: string): SealedBox {
  const ephemeral = generateKeyPairSync('x25519');
  const key = deriveKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    ephemeralKey: ephemeral.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** @throws SealedBoxError when the box does not open with this key and associated data. */
export function open(privateKey: KeyObject, box: SealedBox, associatedData: string): string {
  try {
    const ephemeral = transportPublicKey(box.ephemeralKey);
    const key = deriveKey(diffieHellman({ privateKey, publicKey: ephemeral }));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(box.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedBoxError();
  }
}

function deriveKey(sharedSecret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', sharedSecret, Buffer.alloc(0), HKDF_INFO, 32));
}
