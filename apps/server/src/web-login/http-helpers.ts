import type { Request, Response } from 'express';
import { z } from 'zod';

import type { Logger } from '@nestjs/common';

import { TotpError, type TotpErrorCode } from '@domsim/mfa';

import { MAX_FORM_BODY_BYTES } from '../http/body-rules';
import { WebLoginError } from './web-login.errors';

/** Session cookie name of Domino's session-based web authentication. */
export const SESSION_COOKIE = 'DomAuthSessId';
/** Cookie of a login between the password and the TOTP step. */
export const LOGIN_COOKIE = 'DomsimLoginId';
/** Login forms are small; a larger body is rejected before any field is read. */
export const MAX_FORM_BYTES = MAX_FORM_BODY_BYTES;

/** Reads one cookie from the request's Cookie header. */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

/** Sets an HttpOnly, SameSite=Strict cookie for the whole server; without `maxAgeSeconds` it lasts for the browser session. */
export function setCookie(response: Response, name: string, value: string, maxAgeSeconds?: number): void {
  // NOTE: no Secure flag, because the server speaks plain HTTP on loopback; behind TLS it should be added.
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  response.append('Set-Cookie', parts.join('; '));
}

export function clearCookie(response: Response, name: string): void {
  response.append('Set-Cookie', `${name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
}

/**
 * Sends a page that browsers must neither cache nor frame, and that loads nothing from elsewhere.
 * The referrer policy is same-origin, not no-referrer: under no-referrer a browser sends
 * `Origin: null` with the page's own form posts, which the origin rule rejects.
 */
export function sendPage(response: Response, status: number, page: string): void {
  response
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    })
    .send(page);
}

/** Sends a 303 so the browser follows with a GET. */
export function redirect(response: Response, location: string): void {
  response.status(303).set({ Location: location, 'Cache-Control': 'no-store' }).send();
}

/**
 * Checks the declared size of a form post before its fields are read. The HTTP guards
 * check the size, the Content-Type and the Origin header before any controller runs. This
 * check stays so that a controller is safe on its own.
 *
 * @throws WebLoginError FORM_TOO_LARGE.
 */
export function assertFormPost(request: Request): void {
  const length = Number(request.headers['content-length'] ?? '0');
  if (!Number.isFinite(length) || length > MAX_FORM_BYTES) {
    throw new WebLoginError('FORM_TOO_LARGE', 413, `The form is too large (${request.headers['content-length']} bytes, at most ${MAX_FORM_BYTES}); send only the fields of the login form`);
  }
}

/**
 * Validates form fields.
 *
 * @throws WebLoginError INVALID_FORM naming the first invalid field.
 */
export function parseForm<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new WebLoginError('INVALID_FORM', 400, `The form is invalid: ${issue.path.join('.') || 'form'}: ${issue.message}; reload the page and try again`);
}

/** A form text field: missing counts as empty, and the length is bounded. */
export function formText(maxLength: number) {
  return z
    .string({ error: 'must be text' })
    .max(maxLength, `must be at most ${maxLength} characters`)
    .optional()
    .transform((value) => value ?? '');
}

/** HTTP status of a page that reports a TOTP rejection. */
export function statusOfTotpError(code: TotpErrorCode): number {
  switch (code) {
    case 'WEB_SERVER_NOT_TRUSTED':
    case 'TOTP_DISABLED':
    case 'MFA_NOT_ENABLED':
    case 'NOT_IN_VAULT':
      return 403;
    case 'INVALID_TOKEN':
    case 'TOKEN_ALREADY_USED':
      return 401;
    case 'VAULT_UNREACHABLE':
      return 503;
    case 'VAULT_KEY_MISSING':
    case 'VAULT_DOCUMENT_DAMAGED':
    case 'VAULT_NOT_HOSTED':
    case 'INTERNAL_ERROR':
      return 500;
    default:
      return 400;
  }
}

/** The status and message of a failed step; an unexpected error is logged and reported without detail. */
export function describeFailure(error: unknown, logger: Logger): { status: number; text: string } {
  if (error instanceof WebLoginError) return { status: error.status, text: error.message };
  if (error instanceof TotpError) return { status: statusOfTotpError(error.code), text: error.message };
  logger.error('Web login step failed inside the server', error instanceof Error ? error.stack : String(error));
  return { status: 500, text: 'The step failed inside the server; try again, and see the server log if it fails again' };
}
