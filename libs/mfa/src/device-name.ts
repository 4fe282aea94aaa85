import { TotpError } from './errors';

export const MIN_DEVICE_NAME_LENGTH = 2;
export const MAX_DEVICE_NAME_LENGTH = 23;

const DEVICE_NAME = /^[A-Za-z0-9]+$/;

/** True for a device name Domino accepts: 2 to 23 letters and digits. */
export function isValidDeviceName(name: string): boolean {
  return name.length >= MIN_DEVICE_NAME_LENGTH && name.length <= MAX_DEVICE_NAME_LENGTH && DEVICE_NAME.test(name);
}

/**
 * Returns the device name without surrounding blanks.
 *
 * @throws TotpError INVALID_DEVICE_NAME, quoting at most the first 30 characters of the input.
 */
export function validateDeviceName(input: string): string {
  const name = input.trim();
  if (isValidDeviceName(name)) return name;
  const shown = name.length > 30 ? `${name.slice(0, 30)}...` : name;
  throw new TotpError(
    'INVALID_DEVICE_NAME',
    `Device name "${shown}" is invalid: use ${MIN_DEVICE_NAME_LENGTH} to ${MAX_DEVICE_NAME_LENGTH} letters and digits, without spaces, e.g. phone1`,
  );
}

/** Domino compares device names without regard to case. */
export function sameDeviceName(left: string, right: string): boolean {
  return left.toLowerCase() === right.toLowerCase();
}
