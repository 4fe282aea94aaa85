import { randomInt, timingSafeEqual } from 'node:crypto';

import { hashScratchCode, newScratchSalt, type VaultKey } from './vault-key';

/** Scratch codes have 8 digits, so the login form tells them from 6-digit tokens by length. */
export const SCRATCH_CODE_DIGITS = 8;

/** New distinct scratch codes with their salt and hashes; only the hashes are stored. */
export function newScratchCodes(key: VaultKey, count: number): { codes: string[]; salt: string; hashes: string[] } {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(String(randomInt(0, 10 ** SCRATCH_CODE_DIGITS)).padStart(SCRATCH_CODE_DIGITS, '0'));
  const salt = newScratchSalt();
  const list = [...codes];
  return { codes: list, salt, hashes: list.map((code) => hashScratchCode(key, code, salt)) };
}

export function isScratchCodeForm(code: string): boolean {
  return new RegExp(`^\\d{${SCRATCH_CODE_DIGITS}}$`).test(code);
}

/** The index of the stored hash that matches the code, or -1. */
export function findScratchCode(key: VaultKey, code: string, salt: string, hashes: readonly string[]): number {
  if (!isScratchCodeForm(code) || salt === '') return -1;
  const hash = Buffer.from(hashScratchCode(key, code, salt), 'base64');
  return hashes.findIndex((stored) => {
    const candidate = Buffer.from(stored, 'base64');
    return candidate.length === hash.length && timingSafeEqual(candidate, hash);
  });
}

/** Removes blanks and dashes people type inside codes, e.g. "1234 5678" or "123-456". */
export function normalizeCode(input: string): string {
  return input.replace(/[\s-]/g, '');
}
