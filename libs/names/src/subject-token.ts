import { nameKey } from './domino-name';

const SAFE = /[a-z0-9-]/;

/**
 * Encodes a name as one NATS subject token. NATS tokens may not contain `.`, `*`, `>` or
 * whitespace; every character outside `[a-z0-9-]` becomes `_` plus two hex digits per
 * UTF-8 byte, so distinct names never share a token. Case is folded first because Domino
 * names are case-insensitive.
 */
export function toSubjectToken(name: string): string {
  const key = nameKey(name);
  let token = '';
  for (const char of key) {
    if (SAFE.test(char)) {
      token += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) {
      token += `_${byte.toString(16).padStart(2, '0')}`;
    }
  }
  return token;
}
