import { authenticator } from 'otplib';
import { HashAlgorithms } from 'otplib/core';

import type { TotpAlgorithm } from './totp-settings';

/** What an authenticator app needs besides the secret: the otpauth URI's algorithm, digits and period. */
export interface TotpParameters {
  readonly algorithm: TotpAlgorithm;
  readonly digits: number;
  readonly stepSeconds: number;
}

/** A token that verified: the time step it belongs to and the algorithm it was made with. */
export interface TotpMatch {
  readonly step: number;
  readonly algorithm: TotpAlgorithm;
}

/** Secret length in bytes: 160 bits, the HMAC key size RFC 4226 recommends. */
const SECRET_BYTES = 20;

const HASHES: Readonly<Record<TotpAlgorithm, HashAlgorithms>> = {
  SHA256: HashAlgorithms.SHA256,
  SHA1: HashAlgorithms.SHA1,
};

/** A new random TOTP secret in base32, the encoding otpauth URIs carry. */
export function newTotpSecret(): string {
  return authenticator.generateSecret(SECRET_BYTES);
}

/** The time step a moment falls in: whole steps since the Unix epoch. */
export function timeStep(at: Date, stepSeconds: number): number {
  return Math.floor(at.getTime() / 1000 / stepSeconds);
}

/** The token an authenticator app shows at a moment. */
export function generateTotp(secret: string, parameters: TotpParameters, at: Date): string {
  return authenticatorFor(parameters, parameters.algorithm, at, 0).generate(secret);
}

/**
 * Checks a token against a secret, allowing `skewSteps` steps before and after the step of
 * `at`. A token made with the secret's own algorithm is tried first; when `acceptSha1` is
 * set, a SHA-1 token is accepted too, for authenticator apps that ignore the URI's
 * algorithm. Returns undefined for a token of the wrong form or one that does not verify.
 */
export function matchTotp(token: string, secret: string, parameters: TotpParameters, skewSteps: number, at: Date, acceptSha1 = true): TotpMatch | undefined {
  if (!new RegExp(`^\\d{${parameters.digits}}$`).test(token)) return undefined;
  const algorithms: TotpAlgorithm[] = acceptSha1 && parameters.algorithm !== 'SHA1' ? [parameters.algorithm, 'SHA1'] : [parameters.algorithm];
  for (const algorithm of algorithms) {
    const delta = authenticatorFor(parameters, algorithm, at, skewSteps).checkDelta(token, secret);
    if (delta !== null) return { step: timeStep(at, parameters.stepSeconds) + delta, algorithm };
  }
  return undefined;
}

/**
 * The otpauth URI an authenticator app reads from the QR code, e.g.
 * `otpauth://totp/renovations:totp%20user?secret=...&period=30&digits=6&algorithm=SHA256&issuer=renovations`.
 */
export function otpauthUri(issuer: string, account: string, secret: string, parameters: TotpParameters): string {
  return authenticatorFor(parameters, parameters.algorithm, new Date(0), 0).keyuri(account, issuer, secret);
}

function authenticatorFor(parameters: TotpParameters, algorithm: TotpAlgorithm, at: Date, skewSteps: number): typeof authenticator {
  return authenticator.clone({
    algorithm: HASHES[algorithm],
    digits: parameters.digits,
    step: parameters.stepSeconds,
    window: skewSteps,
    epoch: at.getTime(),
  });
}
