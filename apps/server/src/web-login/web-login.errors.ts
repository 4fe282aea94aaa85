export type WebLoginErrorCode = 'INVALID_CREDENTIALS' | 'NAME_PASSWORD_DISABLED' | 'LOGIN_EXPIRED' | 'NOT_LOGGED_IN' | 'TOO_MANY_ATTEMPTS' | 'INVALID_FORM' | 'FORM_TOO_LARGE' | 'NO_TOTP_VAULT' | 'ACCOUNT_LOCKED';

/** A web login step that failed on this web server; the message is what the page shows. */
export class WebLoginError extends Error {
  constructor(
    readonly code: WebLoginErrorCode,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WebLoginError';
  }
}
