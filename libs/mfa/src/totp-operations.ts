import { nameKey } from '@domsim/names';

import { sameDeviceName, validateDeviceName } from './device-name';
import { TotpError } from './errors';
import { findScratchCode, isScratchCodeForm, newScratchCodes, normalizeCode } from './scratch-codes';
import { SCRATCH_CODE_COUNT, type TotpAlgorithm, type TotpSettings } from './totp-settings';
import { matchTotp, newTotpSecret, otpauthUri, type TotpParameters } from './totp-tokens';
import type { TotpDevice, TotpRecord } from './vault-user-document';
import { decryptFromVault, encryptForVault, keyIdOf, type VaultKey } from './vault-key';

/** Inputs of every TOTP decision for one user. */
export interface TotpContext {
  readonly key: VaultKey;
  readonly settings: TotpSettings;
  /** Canonical user name. */
  readonly user: string;
  /** Shown by authenticator apps above the account, e.g. the domain name. */
  readonly issuer: string;
  /** Shown by authenticator apps as the account, e.g. `totp user/mfatest1`. */
  readonly account: string;
  readonly now: Date;
}

/** A secret offered to the user at enrollment; it is stored only once the user confirms a token. */
export interface EnrollmentOffer {
  readonly secret: string;
  readonly uri: string;
  readonly parameters: TotpParameters;
}

/** The new record to save after a decision, and what to show the user. */
export interface TotpChange<T> {
  readonly record: TotpRecord;
  readonly result: T;
}

export interface LoginResult {
  readonly method: 'token' | 'scratch-code';
  /** The device whose token verified; absent for a scratch code. */
  readonly device?: string;
  readonly scratchCodesLeft: number;
}

/**
 * Offers a new secret for another device.
 *
 * @throws TotpError TOO_MANY_DEVICES when the user has the maximum number of secrets.
 */
export function offerEnrollment(record: TotpRecord, context: TotpContext): EnrollmentOffer {
  assertRoomForDevice(record, context.settings);
  const parameters = parametersOf(context.settings);
  const secret = newTotpSecret();
  return { secret, uri: otpauthUri(context.issuer, context.account, secret, parameters), parameters };
}

/**
 * Adds a device to the record once the user proved with a token that the app has the
 * secret. The first device also gets scratch codes when they are enabled. They are
 * returned in clear once, and the record keeps only their hashes.
 *
 * @throws TotpError INVALID_DEVICE_NAME, DEVICE_EXISTS, TOO_MANY_DEVICES or INVALID_TOKEN; nothing changes then.
 */
export function confirmEnrollment(
  record: TotpRecord,
  context: TotpContext,
  request: { readonly device: string; readonly secret: string; readonly token: string },
): TotpChange<{ readonly scratchCodes: readonly string[] }> {
  const device = validateDeviceName(request.device);
  if (record.devices.some((existing) => sameDeviceName(existing.name, device))) {
    throw new TotpError('DEVICE_EXISTS', `${context.account} already has a device named ${device}; choose another name or delete that device first`);
  }
  assertRoomForDevice(record, context.settings);
  if (!TOTP_SECRET.test(request.secret)) {
    throw new TotpError('INVALID_REQUEST', 'The enrollment carries no valid secret; start the enrollment again');
  }
  const parameters = parametersOf(context.settings);
  const uri = otpauthUri(context.issuer, context.account, request.secret, parameters);

  const match = matchTotp(normalizeCode(request.token), request.secret, parameters, context.settings.skewSteps, context.now);
  if (match === undefined) {
    throw new TotpError('INVALID_TOKEN', `The token does not match the new secret; enter the ${parameters.digits}-digit code your app shows now and check that its clock is right`);
  }

  const added: TotpDevice = {
    name: device,
    sealedUri: encryptForVault(context.key, uri, deviceContext(context.user, device)),
    created: context.now.toISOString(),
    lastStep: match.step,
  };
  const issueCodes = context.settings.scratchCodes && record.scratchHashes.length === 0;
  const scratch = issueCodes ? newScratchCodes(context.key, SCRATCH_CODE_COUNT) : undefined;
  return {
    record: {
      devices: [...record.devices, added],
      scratchSalt: scratch?.salt ?? record.scratchSalt,
      scratchHashes: scratch?.hashes ?? record.scratchHashes,
    },
    result: { scratchCodes: scratch?.codes ?? [] },
  };
}

/**
 * Checks a login code: a token from any of the user's devices, or an unused scratch code.
 * An accepted token moves its device's last step forward, so the same token cannot be
 * used twice; an accepted scratch code is removed.
 *
 * @throws TotpError NOT_ENROLLED, INVALID_TOKEN or TOKEN_ALREADY_USED; nothing changes then.
 */
export function verifyLogin(record: TotpRecord, context: TotpContext, input: string): TotpChange<LoginResult> {
  if (record.devices.length === 0) {
    throw new TotpError('NOT_ENROLLED', `${context.account} has no TOTP device; log in again to enroll one`);
  }
  const code = normalizeCode(input);

  if (isScratchCodeForm(code)) {
    const index = context.settings.scratchCodes ? findScratchCode(context.key, code, record.scratchSalt, record.scratchHashes) : -1;
    if (index < 0) throw new TotpError('INVALID_TOKEN', 'The scratch code is not valid or was already used; each scratch code works once');
    const scratchHashes = record.scratchHashes.filter((_hash, position) => position !== index);
    return { record: { ...record, scratchHashes }, result: { method: 'scratch-code', scratchCodesLeft: scratchHashes.length } };
  }

  let replayed = false;
  for (const [index, device] of record.devices.entries()) {
    const { secret, parameters } = readOtpauthUri(openDeviceUri(context, device));
    const match = matchTotp(code, secret, parameters, context.settings.skewSteps, context.now);
    if (match === undefined) continue;
    if (match.step <= device.lastStep) {
      replayed = true;
      continue;
    }
    const devices = record.devices.map((candidate, position) => (position === index ? { ...candidate, lastStep: match.step } : candidate));
    return { record: { ...record, devices }, result: { method: 'token', device: device.name, scratchCodesLeft: record.scratchHashes.length } };
  }
  if (replayed) throw new TotpError('TOKEN_ALREADY_USED', 'This token was already used; wait for the next one and enter it');
  throw new TotpError('INVALID_TOKEN', 'The token is not valid; enter the current code from your authenticator app and check that its clock is right');
}

/** @throws TotpError DEVICE_NOT_FOUND; nothing changes then. */
export function removeDevice(record: TotpRecord, context: TotpContext, name: string): TotpRecord {
  const devices = record.devices.filter((device) => !sameDeviceName(device.name, name));
  if (devices.length === record.devices.length) {
    throw new TotpError('DEVICE_NOT_FOUND', `${context.account} has no device named ${name.slice(0, 30)}; the devices are: ${record.devices.map((device) => device.name).join(', ') || 'none'}`);
  }
  return { ...record, devices };
}

/**
 * Replaces the user's scratch codes with new ones.
 *
 * @throws TotpError SCRATCH_CODES_DISABLED or NOT_ENROLLED.
 */
export function replaceScratchCodes(record: TotpRecord, context: TotpContext): TotpChange<{ readonly scratchCodes: readonly string[] }> {
  if (!context.settings.scratchCodes) {
    throw new TotpError('SCRATCH_CODES_DISABLED', 'Emergency scratch codes are not enabled in the Configuration Settings');
  }
  if (record.devices.length === 0) throw new TotpError('NOT_ENROLLED', `${context.account} has no TOTP device; enroll one first`);
  const scratch = newScratchCodes(context.key, SCRATCH_CODE_COUNT);
  return { record: { ...record, scratchSalt: scratch.salt, scratchHashes: scratch.hashes }, result: { scratchCodes: scratch.codes } };
}

/** Reads the secret and parameters from an otpauth URI that this lib wrote. */
export function readOtpauthUri(uri: string): { secret: string; parameters: TotpParameters } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new TotpError('VAULT_DOCUMENT_DAMAGED', 'A stored otpauth URI cannot be read; reset the user\'s TOTP items with sim totp reset');
  }
  const secret = url.searchParams.get('secret') ?? '';
  const algorithm = (url.searchParams.get('algorithm') ?? 'SHA1').toUpperCase();
  const digits = Number(url.searchParams.get('digits') ?? '6');
  const stepSeconds = Number(url.searchParams.get('period') ?? '30');
  if (url.protocol !== 'otpauth:' || !/^[A-Z2-7]+=*$/.test(secret) || (algorithm !== 'SHA1' && algorithm !== 'SHA256') || !Number.isInteger(digits) || !Number.isInteger(stepSeconds) || stepSeconds <= 0) {
    throw new TotpError('VAULT_DOCUMENT_DAMAGED', 'An otpauth URI has an unsupported form; reset the user\'s TOTP items with sim totp reset');
  }
  return { secret, parameters: { algorithm: algorithm as TotpAlgorithm, digits, stepSeconds } };
}

function openDeviceUri(context: TotpContext, device: TotpDevice): string {
  const uri = decryptFromVault(context.key, device.sealedUri, deviceContext(context.user, device.name));
  if (uri !== undefined) return uri;
  const keyId = keyIdOf(device.sealedUri);
  const reason = keyId !== undefined && keyId !== context.key.keyId ? `was encrypted with another vault key (${keyId}, this server has ${context.key.keyId})` : 'cannot be decrypted';
  throw new TotpError('VAULT_DOCUMENT_DAMAGED', `The secret of device ${device.name} of ${context.account} ${reason}; reset the user's TOTP items with sim totp reset`);
}

/** Base32 secrets of 80 to 320 bits, the sizes authenticator apps accept. */
const TOTP_SECRET = /^[A-Z2-7]{16,64}$/;

function parametersOf(settings: TotpSettings): TotpParameters {
  return { algorithm: settings.algorithm, digits: settings.digits, stepSeconds: settings.stepSeconds };
}

function assertRoomForDevice(record: TotpRecord, settings: TotpSettings): void {
  if (record.devices.length >= settings.maxSecretsPerUser) {
    throw new TotpError(
      'TOO_MANY_DEVICES',
      `The maximum of ${settings.maxSecretsPerUser} TOTP device${settings.maxSecretsPerUser === 1 ? '' : 's'} per user is reached; delete a device before adding another`,
    );
  }
}

/** Binds an encrypted URI to its user and device, so it cannot be moved to another. */
function deviceContext(user: string, device: string): string {
  return `${nameKey(user)}\u0000${device.toLowerCase()}`;
}
