import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const SCHEME = 'scrypt';
const COST = 16_384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;

/**
 * Hashes an Internet password for the HTTPPassword item of a Person document:
 * `scrypt:N:r:p:salt:hash`, salt and hash in base64. The password itself is never stored.
 */
export function hashInternetPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
  return [SCHEME, COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), hash.toString('base64')].join(':');
}

/** Checks a password against a stored hash in constant time; false for a malformed hash. */
export function verifyInternetPassword(password: string, stored: string): boolean {
  const parts = stored.split(':');
  if (parts.length !== 6 || parts[0] !== SCHEME) return false;
  const [cost, blockSize, parallelism] = parts.slice(1, 4).map(Number);
  if (![cost, blockSize, parallelism].every(Number.isSafeInteger) || cost > 1_048_576 || blockSize > 32 || parallelism > 16) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = scryptSync(password, salt, KEY_LENGTH, { N: cost, r: blockSize, p: parallelism, maxmem: 256 * cost * blockSize });
  return timingSafeEqual(actual, expected);
}
