/** Stable codes for every reason a TOTP operation is rejected. */
export type TotpErrorCode =
  | 'TOTP_DISABLED'
  | 'WEB_SERVER_NOT_TRUSTED'
  | 'MFA_NOT_ENABLED'
  | 'NOT_IN_VAULT'
  | 'VAULT_NOT_HOSTED'
  | 'VAULT_KEY_MISSING'
  | 'VAULT_DOCUMENT_DAMAGED'
  | 'NOT_ENROLLED'
  | 'INVALID_DEVICE_NAME'
  | 'DEVICE_EXISTS'
  | 'DEVICE_NOT_FOUND'
  | 'TOO_MANY_DEVICES'
  | 'INVALID_TOKEN'
  | 'TOKEN_ALREADY_USED'
  | 'SCRATCH_CODES_DISABLED'
  | 'INVALID_REQUEST'
  | 'VAULT_UNREACHABLE'
  | 'INTERNAL_ERROR';

/**
 * A TOTP enrollment, login or management step that was rejected. The message is what the
 * login page or console shows: what failed, for whom, and what to do next. It never
 * contains a password, secret, token or scratch code.
 */
export class TotpError extends Error {
  constructor(
    readonly code: TotpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TotpError';
  }
}
