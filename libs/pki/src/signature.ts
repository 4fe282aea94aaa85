import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

import stableStringify from 'json-stable-stringify';

/**
 * Signs the items of a document. The items are serialised as JSON with sorted keys so
 * every server rebuilds the same bytes; the result is an RSA-SHA256 signature in base64.
 */
export function signItems(items: Record<string, unknown>, privateKey: KeyObject): string {
  return sign('sha256', signedBytes(items), privateKey).toString('base64');
}

/** Checks a signature made by `signItems` against a PEM public key or certificate. */
export function verifyItems(items: Record<string, unknown>, signature: string, publicKeyPem: string): boolean {
  try {
    return verify('sha256', signedBytes(items), createPublicKey(publicKeyPem), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

function signedBytes(items: Record<string, unknown>): Buffer {
  const text = stableStringify(items);
  if (text === undefined) {
    throw new Error('items cannot be serialised for signing');
  }
  return Buffer.from(text, 'utf8');
}
