import { authenticator } from 'otplib';
import { HashAlgorithms } from 'otplib/core';

import { generateTotp, matchTotp, newTotpSecret, otpauthUri, timeStep, type TotpParameters } from './totp-tokens';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const NOW = new Date('2026-05-01T12:00:10.000Z');
const SHA256: TotpParameters = { algorithm: 'SHA256', digits: 6, stepSeconds: 30 };

function at(steps: number, parameters: TotpParameters = SHA256): Date {
  return new Date(NOW.getTime() + steps * parameters.stepSeconds * 1000);
}

/** A token made by otplib directly, as an authenticator app would make it. */
function appToken(algorithm: HashAlgorithms, when: Date, stepSeconds = 30): string {
  return authenticator.clone({ algorithm, digits: 6, step: stepSeconds, epoch: when.getTime() }).generate(SECRET);
}

describe('totp tokens', () => {
  it('generates what an SHA-256 app shows', () => {
    expect(generateTotp(SECRET, SHA256, NOW)).toBe(appToken(HashAlgorithms.SHA256, NOW));
  });

  it.each([
    [-1, true],
    [0, true],
    [1, true],
    [-2, false],
    [2, false],
  ])('with skew 1 treats a token %i steps off as valid: %s', (offset, valid) => {
    const token = generateTotp(SECRET, SHA256, at(offset));

    const match = matchTotp(token, SECRET, SHA256, 1, NOW);

    expect(match !== undefined).toBe(valid);
    if (valid) expect(match?.step).toBe(timeStep(NOW, 30) + offset);
  });

  it.each([
    [0, 1, false],
    [0, 0, true],
    [2, 2, true],
    [2, 3, false],
  ])('with skew %i accepts a token %i steps off: %s', (skew, offset, valid) => {
    const token = generateTotp(SECRET, SHA256, at(offset));

    expect(matchTotp(token, SECRET, SHA256, skew, NOW) !== undefined).toBe(valid);
  });

  it('honours a configured step size', () => {
    const parameters: TotpParameters = { ...SHA256, stepSeconds: 60 };
    const inWindow = appToken(HashAlgorithms.SHA256, at(1, parameters), 60);
    const outside = appToken(HashAlgorithms.SHA256, at(2, parameters), 60);

    expect(matchTotp(inWindow, SECRET, parameters, 1, NOW)).toEqual({ step: timeStep(NOW, 60) + 1, algorithm: 'SHA256' });
    expect(matchTotp(outside, SECRET, parameters, 1, NOW)).toBeUndefined();
  });

  it('accepts a SHA-1 token for a SHA-256 secret', () => {
    const token = appToken(HashAlgorithms.SHA1, NOW);

    expect(matchTotp(token, SECRET, SHA256, 1, NOW)).toEqual({ step: timeStep(NOW, 30), algorithm: 'SHA1' });
  });

  it('rejects a SHA-1 token when SHA-1 is not accepted', () => {
    const token = appToken(HashAlgorithms.SHA1, NOW);

    expect(matchTotp(token, SECRET, SHA256, 1, NOW, false)).toBeUndefined();
  });

  it('rejects a SHA-512 token', () => {
    const token = appToken(HashAlgorithms.SHA512, NOW);

    expect(matchTotp(token, SECRET, SHA256, 1, NOW)).toBeUndefined();
  });

  it.each(['', '12345', '1234567', '12345a', ' 123456', '１２３４５６'])('rejects the malformed token "%s"', (token) => {
    expect(matchTotp(token, SECRET, SHA256, 1, NOW)).toBeUndefined();
  });

  it('makes 160-bit base32 secrets', () => {
    const secrets = new Set(Array.from({ length: 20 }, () => newTotpSecret()));

    expect(secrets.size).toBe(20);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('writes an otpauth URI with secret, algorithm, digits and period', () => {
    const uri = new URL(otpauthUri('renovations', 'totp user/mfatest1', SECRET, SHA256));

    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/renovations:totp user/mfatest1');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: SECRET, algorithm: 'SHA256', digits: '6', period: '30', issuer: 'renovations' });
  });
});
