import { randomBytes } from 'node:crypto';

import { z } from 'zod';

import { TotpError, type TotpErrorCode } from './errors';
import { newTransportKeyPair, open, seal, SealedBoxError, sealedBoxSchema, transportPublicKey } from './sealed-box';
import type { VaultKey } from './vault-key';

/*
 * Web servers ask a vault server to run TOTP operations over NATS request/reply. The
 * operation (user, secret, token, scratch code) is sealed for the vault's transport key,
 * whose public half is in the vault document. The result is sealed for a key pair that the
 * web server makes for each request. Only the envelope fields below cross NATS in clear.
 */

const userName = z.string().trim().min(1).max(256);

/** An operation a web server requests from the vault for a user who passed the password check. */
export const totpOperationSchema = z.discriminatedUnion('operation', [
  z.strictObject({ operation: z.literal('status'), user: userName }),
  z.strictObject({ operation: z.literal('offer'), user: userName }),
  z.strictObject({ operation: z.literal('confirm'), user: userName, device: z.string().max(64), secret: z.string().max(128), token: z.string().max(32) }),
  z.strictObject({ operation: z.literal('verify'), user: userName, code: z.string().max(32) }),
  z.strictObject({ operation: z.literal('delete-device'), user: userName, device: z.string().max(64) }),
  z.strictObject({ operation: z.literal('reset-scratch-codes'), user: userName }),
]);
export type TotpOperation = z.infer<typeof totpOperationSchema>;

const statusSchema = z.strictObject({
  devices: z.array(z.string().max(64)).max(16),
  scratchCodesLeft: z.number().int().min(0),
  maxDevices: z.number().int().min(0),
  scratchCodesEnabled: z.boolean(),
});
/** A user's enrolled devices and scratch codes, as the device page shows them. */
export type TotpStatus = z.infer<typeof statusSchema>;

const scratchCodes = z.array(z.string().max(16)).max(32);

export const totpResultSchema = z.discriminatedUnion('operation', [
  z.strictObject({ operation: z.literal('status'), status: statusSchema }),
  z.strictObject({
    operation: z.literal('offer'),
    secret: z.string().max(128),
    uri: z.string().max(1024),
    algorithm: z.enum(['SHA256', 'SHA1']),
    digits: z.number().int(),
    stepSeconds: z.number().int(),
  }),
  z.strictObject({ operation: z.literal('confirm'), scratchCodes, status: statusSchema }),
  z.strictObject({ operation: z.literal('verify'), method: z.enum(['token', 'scratch-code']), device: z.string().max(64).optional(), scratchCodesLeft: z.number().int().min(0) }),
  z.strictObject({ operation: z.literal('delete-device'), status: statusSchema }),
  z.strictObject({ operation: z.literal('reset-scratch-codes'), scratchCodes }),
]);
export type TotpResult = z.infer<typeof totpResultSchema>;
/** The result type of one operation, e.g. `TotpResultOf<'offer'>`. */
export type TotpResultOf<K extends TotpOperation['operation']> = Extract<TotpResult, { operation: K }>;

export const totpRequestSchema = z.strictObject({
  version: z.literal(1),
  /** Canonical name of the web server the user logs in to; the vault checks it against its trusted web servers. */
  webServer: z.string().min(1).max(256),
  /** Canonical vault name. */
  vault: z.string().min(1).max(256),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be 16 to 64 letters, digits, "-" or "_"'),
  sentAt: z.number().int().nonnegative(),
  /** X25519 public key (base64 SPKI DER) the result is sealed for. */
  replyKey: z.string().min(1).max(256),
  sealed: sealedBoxSchema,
});
export type TotpRequest = z.infer<typeof totpRequestSchema>;

export const totpReplySchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), sealed: sealedBoxSchema }),
  z.strictObject({ ok: z.literal(false), code: z.string().min(1).max(64), message: z.string().max(2048) }),
]);
export type TotpReply = z.infer<typeof totpReplySchema>;

/** How far a request's `sentAt` may lie from the vault server's clock. */
export const MAX_REQUEST_AGE_MS = 2 * 60 * 1000;

/** Seals an operation for a vault. Keep the private key to open the reply. */
export function sealTotpRequest(
  vaultPublicKeyPem: string,
  envelope: { readonly webServer: string; readonly vault: string; readonly now: Date },
  operation: TotpOperation,
): { request: TotpRequest; replyPrivateKey: import('node:crypto').KeyObject } {
  const reply = newTransportKeyPair();
  const clear = { version: 1 as const, webServer: envelope.webServer, vault: envelope.vault, requestId: randomBytes(18).toString('base64url'), sentAt: envelope.now.getTime(), replyKey: reply.publicKey };
  const sealed = seal(transportPublicKey(vaultPublicKeyPem), JSON.stringify(operation), requestContext(clear));
  return { request: { ...clear, sealed }, replyPrivateKey: reply.privateKey };
}

/**
 * Validates and opens a request on the vault server.
 *
 * @throws TotpError INVALID_REQUEST naming what is wrong: the shape, the age, or a box that does not open.
 */
export function openTotpRequest(key: VaultKey, raw: unknown, now: Date): { request: TotpRequest; operation: TotpOperation } {
  const parsed = totpRequestSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const request = parsed.data;
  if (Math.abs(now.getTime() - request.sentAt) > MAX_REQUEST_AGE_MS) {
    throw new TotpError('INVALID_REQUEST', `invalid TOTP request: sentAt is ${Math.round((now.getTime() - request.sentAt) / 1000)} s away from the vault server's clock, more than ${MAX_REQUEST_AGE_MS / 1000} s; check the clocks`);
  }
  let text: string;
  try {
    text = open(key.transportPrivateKey, request.sealed, requestContext(request));
  } catch (error) {
    if (error instanceof SealedBoxError) throw new TotpError('INVALID_REQUEST', `invalid TOTP request: ${error.message}; read the vault's key from its vault document again`);
    throw error;
  }
  const operation = totpOperationSchema.safeParse(parseJson(text));
  if (!operation.success) throw invalid(operation.error);
  return { request, operation: operation.data };
}

/** Seals a result for the web server that sent the request. */
export function sealTotpReply(request: TotpRequest, result: TotpResult): TotpReply {
  return { ok: true, sealed: seal(transportPublicKey(request.replyKey), JSON.stringify(result), replyContext(request.requestId)) };
}

export function totpErrorReply(error: TotpError): TotpReply {
  return { ok: false, code: error.code, message: error.message };
}

/**
 * Opens a vault's reply on the web server.
 *
 * @throws TotpError with the vault's code and message when the vault rejected the operation, or INVALID_REQUEST for a reply that does not validate.
 */
export function openTotpReply(replyPrivateKey: import('node:crypto').KeyObject, requestId: string, raw: unknown): TotpResult {
  const reply = totpReplySchema.safeParse(raw);
  if (!reply.success) throw new TotpError('INVALID_REQUEST', `invalid reply from the vault server: ${describe(reply.error)}`);
  if (!reply.data.ok) throw new TotpError(reply.data.code as TotpErrorCode, reply.data.message);
  let text: string;
  try {
    text = open(replyPrivateKey, reply.data.sealed, replyContext(requestId));
  } catch (error) {
    if (error instanceof SealedBoxError) throw new TotpError('INVALID_REQUEST', `invalid reply from the vault server: ${error.message}`);
    throw error;
  }
  const result = totpResultSchema.safeParse(parseJson(text));
  if (!result.success) throw new TotpError('INVALID_REQUEST', `invalid reply from the vault server: ${describe(result.error)}`);
  return result.data;
}

function requestContext(request: Pick<TotpRequest, 'webServer' | 'vault' | 'requestId' | 'sentAt' | 'replyKey'>): string {
  return ['totp-request', request.webServer, request.vault, request.requestId, String(request.sentAt), request.replyKey].join('\u0000');
}

function replyContext(requestId: string): string {
  return `totp-reply\u0000${requestId}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function invalid(error: z.ZodError): TotpError {
  return new TotpError('INVALID_REQUEST', `invalid TOTP request: ${describe(error)}`);
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join('.') || 'message'}: ${issue.message}`;
}
