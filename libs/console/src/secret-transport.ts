import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';

import type { CommandRegistry, CommandSpec } from './command-registry';
import { SECRET_MASK } from './command-registry';
import { ConsoleInputError } from './errors';
import { maskSecrets } from './masking';
import { tokenize } from './tokenizer';

/**
 * A secret argument sealed for one server: X25519 key agreement with the server's console
 * key, HKDF-SHA256, then AES-256-GCM. `token` is the index of the argument in the command.
 */
export interface SealedSecret {
  readonly token: number;
  readonly ephemeralKey: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

/** A console command ready to cross NATS or HTTP: secrets masked in `command`, sealed in `secrets`. */
export interface SealedCommand {
  readonly command: string;
  readonly secrets?: readonly SealedSecret[];
}

const HKDF_INFO = Buffer.from('domsim console secret v1');

/** Files in a server's data directory holding its console key: public (SPKI PEM) and private (PKCS#8 PEM). */
export const CONSOLE_PUBLIC_KEY_FILE = 'console-key.pub';
export const CONSOLE_PRIVATE_KEY_FILE = 'console-key.pem';

/** A new X25519 key pair for a server's console, as PEM (SPKI public, PKCS#8 private). */
export function generateConsoleKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * Prepares a typed command line for sending: each secret argument (such as the password
 * of `mfamgmt create trustcert`) is replaced by asterisks and sealed for the server. A line
 * that does not match a command's syntax exactly is sent masked, without its secrets, so
 * the server reports the syntax error and no secret leaves this process.
 */
export function sealCommand(line: string, registry: CommandRegistry<CommandSpec>, serverPublicKeyPem: string): SealedCommand {
  const masked = maskSecrets(line, registry);
  if (masked === line) return { command: line };

  let resolved;
  try {
    resolved = registry.resolve(line);
  } catch {
    return { command: masked };
  }
  const keywordCount = resolved.spec.keywords.length;
  const serverKey = createPublicKey(serverPublicKeyPem);
  const secrets = resolved.spec.arguments.flatMap((argument, index) => {
    if (argument.secret !== true) return [];
    const value = resolved.args[argument.name];
    return value === undefined ? [] : [sealValue(value, keywordCount + index, serverKey)];
  });
  return { command: masked, secrets };
}

/**
 * Rebuilds the command line a client typed from a sealed command, on the server.
 *
 * @throws ConsoleInputError when a sealed secret does not fit the command or cannot be opened.
 */
export function unsealCommand(sealed: SealedCommand, serverPrivateKeyPem: string): string {
  if (sealed.secrets === undefined || sealed.secrets.length === 0) return sealed.command;
  const privateKey = createPrivateKey(serverPrivateKeyPem);
  const tokens = tokenize(sealed.command);

  const values = new Map<number, string>();
  for (const secret of sealed.secrets) {
    const token = tokens[secret.token];
    if (token === undefined || token.text !== SECRET_MASK) {
      throw new ConsoleInputError('INVALID_SECRET', `A sealed secret refers to argument ${secret.token + 1}, which is not masked in the command; send the command again`);
    }
    values.set(secret.token, openValue(secret, privateKey));
  }

  let line = '';
  let cursor = 0;
  tokens.forEach((token, index) => {
    const value = values.get(index);
    if (value === undefined) return;
    line += sealed.command.slice(cursor, token.start) + quoteIfNeeded(value);
    cursor = token.end;
  });
  return line + sealed.command.slice(cursor);
}

function sealValue(value: string, token: number, serverKey: KeyObject): SealedSecret {
  const ephemeral = generateKeyPairSync('x25519');
  const key = deriveKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: serverKey }));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return {
    token,
    ephemeralKey: ephemeral.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

function openValue(secret: SealedSecret, privateKey: KeyObject): string {
  try {
    const ephemeral = createPublicKey({ key: Buffer.from(secret.ephemeralKey, 'base64'), format: 'der', type: 'spki' });
    const key = deriveKey(diffieHellman({ privateKey, publicKey: ephemeral }));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(secret.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(secret.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(secret.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new ConsoleInputError('INVALID_SECRET', 'A sealed secret could not be opened: it was sealed for another server key; send the command again');
  }
}

function deriveKey(sharedSecret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', sharedSecret, Buffer.alloc(0), HKDF_INFO, 32));
}

function quoteIfNeeded(value: string): string {
  return /[\s]/.test(value) ? `"${value}"` : value;
}
