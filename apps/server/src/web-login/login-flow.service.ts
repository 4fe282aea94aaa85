import { Inject, Injectable, Logger } from '@nestjs/common';

import { NameAndPassword, TotpError, type TotpStatus, type TotpVault, validateDeviceName } from '@domsim/mfa';
import { abbreviate } from '@domsim/names';

import type { ServerRuntime } from '../config/server-runtime';
import { SERVER_RUNTIME } from '../tokens';
import { LoginLockout, lockedMessage } from './login-lockout';
import { type LoginTransaction, LoginSessions, type PendingEnrollment, type WebSession } from './login-sessions';
import { PersonRepository } from './person.repository';
import { VaultClientService } from './vault-client.service';
import { WebLoginError } from './web-login.errors';

/** Invalid tokens one login may submit before the user must enter the password again. */
export const MAX_CODE_FAILURES = 5;

/** Next step after a correct name and password. */
export type PasswordOutcome =
  | { readonly kind: 'session'; readonly session: WebSession }
  | { readonly kind: 'token'; readonly transaction: LoginTransaction }
  | { readonly kind: 'enroll'; readonly transaction: LoginTransaction & { readonly enrollment: PendingEnrollment } };

/**
 * Runs the steps of a web login like Domino's $$LoginUserFormMFA: name and Internet
 * password, then a first enrollment or a TOTP token, then a session. It also runs the device
 * changes of a logged-in user. The vault makes every TOTP decision, and this service keeps
 * the state between the steps.
 */
@Injectable()
export class LoginFlowService {
  private readonly logger = new Logger('WebLogin');

  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    private readonly people: PersonRepository,
    private readonly vaults: VaultClientService,
    private readonly sessions: LoginSessions,
    private readonly lockout: LoginLockout,
  ) {}

  /** @throws WebLoginError or TotpError; no login or session is started then. */
  async submitPassword(username: string, password: string): Promise<PasswordOutcome> {
    const setting = this.people.nameAndPassword();
    if (setting === NameAndPassword.No) {
      throw new WebLoginError('NAME_PASSWORD_DISABLED', 403, `Name and password authentication is switched off on ${abbreviate(this.runtime.setup.server)}`);
    }
    if (username.trim() === '') throw new WebLoginError('INVALID_FORM', 400, 'User name is empty: enter your full name, your short name or your e-mail address');
    if (password === '') throw new WebLoginError('INVALID_FORM', 400, 'Internet password is empty: enter the password for web access your administrator gave you');

    // A locked account is rejected before the password is checked, so the reply never reveals whether it was right.
    const account = this.people.accountOf(username);
    this.assertUnlocked(account);
    const user = this.people.authenticate(username, password);
    if (user === undefined) {
      this.logger.log(`Rejected a web login: unknown name or wrong Internet password`);
      this.countFailure(account, 'wrong Internet passwords');
      throw new WebLoginError('INVALID_CREDENTIALS', 401, 'The user name or Internet password is not correct; check both and try again (passwords are case sensitive)');
    }
    if (setting === NameAndPassword.Yes) {
      this.logger.log(`Web login of ${abbreviate(user)} with name and password`);
      this.lockout.reset(account);
      return { kind: 'session', session: this.sessions.startSession(user, 'password') };
    }

    const { vault, status } = await this.vaultOf(user);
    if (status.devices.length > 0) return { kind: 'token', transaction: this.sessions.startTransaction(user, vault) };
    const enrollment = await this.offer(vault, user);
    const transaction = this.sessions.startTransaction(user, vault, enrollment);
    return { kind: 'enroll', transaction: { ...transaction, enrollment } };
  }

  /** The login waiting for its TOTP step. @throws WebLoginError LOGIN_EXPIRED. */
  transaction(id: string | undefined): LoginTransaction {
    const transaction = this.sessions.transaction(id);
    if (transaction === undefined) {
      throw new WebLoginError('LOGIN_EXPIRED', 401, 'This login has expired or is unknown; enter your name and password again');
    }
    return transaction;
  }

  /** Checks a token or scratch code and starts the session. */
  async submitCode(transactionId: string | undefined, code: string): Promise<WebSession> {
    const transaction = this.transaction(transactionId);
    if (transaction.enrollment !== undefined) {
      throw new WebLoginError('INVALID_FORM', 400, 'This login is waiting for you to enroll a device; enter a device name and the first token on the enrollment page');
    }
    const wellFormed = readCode(code, 'Verification code', 'the 6-digit code from your authenticator app, or one of your 8-digit scratch codes');
    this.assertTransactionUnlocked(transaction);
    const result = await this.countingFailures(transaction, () => this.vaults.run(transaction.vault, { operation: 'verify', user: transaction.user, code: wellFormed }));
    this.sessions.endTransaction(transaction.id);
    this.lockout.reset(this.people.accountOf(transaction.user));
    this.logger.log(`Web login of ${abbreviate(transaction.user)} with a ${result.method === 'token' ? 'TOTP token' : 'scratch code'}`);
    return this.sessions.startSession(transaction.user, result.method, transaction.vault);
  }

  /** Stores the first device once its token verifies, and starts the session. Returns the scratch codes to show once. */
  async submitEnrollment(transactionId: string | undefined, deviceName: string, token: string): Promise<{ session: WebSession; scratchCodes: readonly string[] }> {
    const transaction = this.transaction(transactionId);
    const enrollment = transaction.enrollment;
    if (enrollment === undefined) throw new WebLoginError('INVALID_FORM', 400, 'This login has a device already; enter a token on the login page');
    const device = validateDeviceName(deviceName);
    const wellFormed = readCode(token, 'Code from the app', 'the 6-digit code your authenticator app shows after you scanned the QR code');
    this.assertTransactionUnlocked(transaction);

    const result = await this.countingFailures(transaction, () =>
      this.vaults.run(transaction.vault, { operation: 'confirm', user: transaction.user, device, secret: enrollment.secret, token: wellFormed }),
    );
    this.sessions.endTransaction(transaction.id);
    this.lockout.reset(this.people.accountOf(transaction.user));
    this.logger.log(`Web login of ${abbreviate(transaction.user)} after enrolling device ${device}`);
    return { session: this.sessions.startSession(transaction.user, 'token', transaction.vault), scratchCodes: result.scratchCodes };
  }

  /** The logged-in user's session. @throws WebLoginError NOT_LOGGED_IN. */
  session(id: string | undefined): WebSession {
    const session = this.sessions.session(id);
    if (session === undefined) throw new WebLoginError('NOT_LOGGED_IN', 401, 'You are not logged in, or your session has expired; log in again');
    return session;
  }

  logout(id: string | undefined): void {
    if (id !== undefined) this.sessions.endSession(id);
  }

  async deviceStatus(session: WebSession): Promise<TotpStatus> {
    return (await this.vaults.run(this.vaultOfSession(session), { operation: 'status', user: session.user })).status;
  }

  async beginAddDevice(session: WebSession): Promise<PendingEnrollment> {
    session.enrollment = await this.offer(this.vaultOfSession(session), session.user);
    return session.enrollment;
  }

  async confirmAddDevice(session: WebSession, deviceName: string, token: string): Promise<readonly string[]> {
    const enrollment = session.enrollment;
    if (enrollment === undefined) throw new WebLoginError('INVALID_FORM', 400, 'No device is being added; choose Add a device first');
    const device = validateDeviceName(deviceName);
    const wellFormed = readCode(token, 'Code from the app', 'the 6-digit code your authenticator app shows after you scanned the QR code');
    const account = this.people.accountOf(session.user);
    this.assertUnlocked(account);

    const result = await this.countingSessionFailures(session, account, () =>
      this.vaults.run(this.vaultOfSession(session), { operation: 'confirm', user: session.user, device, secret: enrollment.secret, token: wellFormed }),
    );
    session.enrollment = undefined;
    return result.scratchCodes;
  }

  async deleteDevice(session: WebSession, deviceName: string): Promise<TotpStatus> {
    return (await this.vaults.run(this.vaultOfSession(session), { operation: 'delete-device', user: session.user, device: deviceName })).status;
  }

  async resetScratchCodes(session: WebSession): Promise<readonly string[]> {
    return (await this.vaults.run(this.vaultOfSession(session), { operation: 'reset-scratch-codes', user: session.user })).scratchCodes;
  }

  /**
   * Finds the vault that contains the user: the first vault trusting this web server that
   * does not report the user missing.
   */
  private async vaultOf(user: string): Promise<{ vault: TotpVault; status: TotpStatus }> {
    const vaults = this.vaults.trustingVaults();
    if (vaults.length === 0) {
      throw new WebLoginError(
        'NO_TOTP_VAULT',
        503,
        `No ID vault lists ${abbreviate(this.runtime.setup.server)} as a trusted web server, so TOTP login is not possible here; ask an administrator`,
      );
    }
    let missing: TotpError | undefined;
    for (const vault of vaults) {
      try {
        return { vault, status: (await this.vaults.run(vault, { operation: 'status', user })).status };
      } catch (error) {
        if (!(error instanceof TotpError) || error.code !== 'NOT_IN_VAULT') throw error;
        missing = error;
      }
    }
    throw missing as TotpError;
  }

  private async offer(vault: TotpVault, user: string): Promise<PendingEnrollment> {
    const offer = await this.vaults.run(vault, { operation: 'offer', user });
    return { secret: offer.secret, uri: offer.uri, algorithm: offer.algorithm, digits: offer.digits, stepSeconds: offer.stepSeconds };
  }

  private vaultOfSession(session: WebSession): TotpVault {
    if (session.vault === undefined) {
      throw new WebLoginError('NO_TOTP_VAULT', 400, `${abbreviate(session.user)} logged in with name and password only; TOTP devices are managed after a TOTP login`);
    }
    return session.vault;
  }

  /** @throws WebLoginError ACCOUNT_LOCKED while the account is locked. */
  private assertUnlocked(account: string): void {
    const lockedFor = this.lockout.lockedFor(account);
    if (lockedFor > 0) throw new WebLoginError('ACCOUNT_LOCKED', 403, lockedMessage(lockedFor));
  }

  /** Ends a login whose account was locked after its password step, e.g. by attempts elsewhere. */
  private assertTransactionUnlocked(transaction: LoginTransaction): void {
    try {
      this.assertUnlocked(this.people.accountOf(transaction.user));
    } catch (error) {
      this.sessions.endTransaction(transaction.id);
      throw error;
    }
  }

  /**
   * Counts a failed password or code against the account.
   *
   * @throws WebLoginError ACCOUNT_LOCKED when this failure locked the account.
   */
  private countFailure(account: string, failureKind: string): void {
    const lockedFor = this.lockout.recordFailure(account);
    if (lockedFor === 0) return;
    const accountLabel = account.startsWith('unknown:') ? 'an unknown name' : account;
    this.logger.warn(`Locked web logins of ${accountLabel} for ${Math.ceil(lockedFor / 60_000)} minutes after repeated ${failureKind}`);
    throw new WebLoginError('ACCOUNT_LOCKED', 403, lockedMessage(lockedFor));
  }

  /**
   * Counts rejected codes, per login and per account: after MAX_CODE_FAILURES the login
   * ends and the user starts again, and the lockout may lock the account.
   */
  private async countingFailures<T>(transaction: LoginTransaction, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (isRejectedCode(error)) {
        try {
          this.countFailure(this.people.accountOf(transaction.user), 'invalid TOTP codes');
        } catch (locked) {
          this.sessions.endTransaction(transaction.id);
          throw locked;
        }
        transaction.failures += 1;
        if (transaction.failures >= MAX_CODE_FAILURES) {
          this.sessions.endTransaction(transaction.id);
          this.logger.warn(`Ended the web login of ${abbreviate(transaction.user)} after ${transaction.failures} invalid codes`);
          throw new WebLoginError('TOO_MANY_ATTEMPTS', 401, `${MAX_CODE_FAILURES} invalid codes in a row; enter your name and password again`);
        }
      }
      throw error;
    }
  }

  /**
   * Counts codes rejected while a logged-in user adds a device against the account's
   * lockout, as login codes count. The failure that locks the account also ends the session.
   */
  private async countingSessionFailures<T>(session: WebSession, account: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (isRejectedCode(error)) {
        try {
          this.countFailure(account, 'invalid TOTP codes');
        } catch (locked) {
          this.sessions.endSession(session.id);
          this.logger.warn(`Ended the web session of ${abbreviate(session.user)} after invalid codes for a new device locked the account`);
          throw locked;
        }
      }
      throw error;
    }
  }
}

function isRejectedCode(error: unknown): boolean {
  return error instanceof TotpError && (error.code === 'INVALID_TOKEN' || error.code === 'TOKEN_ALREADY_USED');
}

/**
 * Checks the form of a typed code before it is sent to the vault, so a typo is reported by
 * field and does not count as a failed attempt. Spaces are dropped, as apps show codes in groups.
 *
 * @throws WebLoginError INVALID_FORM naming the field; the message never repeats the code.
 */
function readCode(typed: string, field: string, expected: string): string {
  const code = typed.replace(/\s+/g, '');
  if (code === '') throw new WebLoginError('INVALID_FORM', 400, `${field} is empty: enter ${expected}`);
  if (!/^(\d{6}|\d{8})$/.test(code)) throw new WebLoginError('INVALID_FORM', 400, `${field} must be 6 or 8 digits: enter ${expected}`);
  return code;
}
