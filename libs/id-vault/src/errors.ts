export type MfaTrustErrorCode =
  | 'NOT_A_VAULT_SERVER'
  | 'VAULT_NOT_REPLICATED'
  | 'VAULT_DESIGN_TOO_OLD'
  | 'INVALID_PATTERN'
  | 'ID_FILE_NOT_FOUND'
  | 'ID_FILE_OUTSIDE_DATA_DIRECTORY'
  | 'NOT_AN_ID_FILE'
  | 'WRONG_PASSWORD'
  | 'CERTIFIER_EXPIRED'
  | 'CERTIFIER_DOES_NOT_COVER'
  | 'CERTIFIER_NOT_IN_DIRECTORY'
  | 'CERTIFICATE_EXISTS';

/** A reason `mfamgmt create trustcert` refuses to issue a certificate. The message is what the console shows. */
export class MfaTrustError extends Error {
  constructor(
    readonly code: MfaTrustErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MfaTrustError';
  }
}
