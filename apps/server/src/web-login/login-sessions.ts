import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import type { TotpVault } from '@domsim/mfa';

/** A secret offered at enrollment, kept on the web server until the user confirms it with a token. */
export interface PendingEnrollment {
  readonly secret: string;
  readonly uri: string;
  readonly algorithm: string;
  readonly digits: number;
  readonly stepSeconds: number;
}

/** A login between the password and the TOTP step. */
export interface LoginTransaction {
  readonly id: string;
  /** Canonical user name; the password was checked. */
  readonly user: string;
  readonly vault: TotpVault;
  /** Set while the user enrolls a first device. */
  readonly enrollment?: PendingEnrollment;
  failures: number;
  readonly expiresAt: number;
}

/** A logged-in user. */
export interface WebSession {
  readonly id: string;
  readonly user: string;
  readonly method: 'password' | 'token' | 'scratch-code';
  readonly loggedInAt: Date;
  /** The vault that verified the login; absent for password-only logins. */
  readonly vault?: TotpVault;
  /** Set while the user adds another device. */
  enrollment?: PendingEnrollment;
  expiresAt: number;
}

/** A login must finish its TOTP step within 5 minutes. */
export const LOGIN_TRANSACTION_TTL_MS = 5 * 60 * 1000;
/** Idle timeout of a session: Domino's default of 30 minutes. */
export const SESSION_IDLE_TTL_MS = 30 * 60 * 1000;
/** Bounds memory: the oldest entries are dropped first. */
const MAX_ENTRIES = 10_000;

/**
 * Logins in progress and sessions, in this server's memory. A restart logs everyone out,
 * as a Domino server does with session authentication.
 */
@Injectable()
export class LoginSessions {
  private readonly transactions = new Map<string, LoginTransaction>();
  private readonly sessions = new Map<string, WebSession>();

  startTransaction(user: string, vault: TotpVault, enrollment?: PendingEnrollment): LoginTransaction {
    const transaction: LoginTransaction = { id: newId(), user, vault, enrollment, failures: 0, expiresAt: Date.now() + LOGIN_TRANSACTION_TTL_MS };
    insertBounded(this.transactions, transaction.id, transaction);
    return transaction;
  }

  /** The transaction with this id, if it exists and has not expired. */
  transaction(id: string | undefined): LoginTransaction | undefined {
    return id === undefined ? undefined : liveEntry(this.transactions, id);
  }

  endTransaction(id: string): void {
    this.transactions.delete(id);
  }

  startSession(user: string, method: WebSession['method'], vault?: TotpVault): WebSession {
    const session: WebSession = { id: newId(), user, method, vault, loggedInAt: new Date(), expiresAt: Date.now() + SESSION_IDLE_TTL_MS };
    insertBounded(this.sessions, session.id, session);
    return session;
  }

  /** The live session with this id; each use extends its idle timeout. */
  session(id: string | undefined): WebSession | undefined {
    const session = id === undefined ? undefined : liveEntry(this.sessions, id);
    if (session !== undefined) session.expiresAt = Date.now() + SESSION_IDLE_TTL_MS;
    return session;
  }

  endSession(id: string): void {
    this.sessions.delete(id);
  }
}

function newId(): string {
  return randomBytes(32).toString('base64url');
}

function liveEntry<T extends { expiresAt: number }>(map: Map<string, T>, id: string): T | undefined {
  const entry = map.get(id);
  if (entry === undefined) return undefined;
  if (entry.expiresAt <= Date.now()) {
    map.delete(id);
    return undefined;
  }
  return entry;
}

function insertBounded<T>(map: Map<string, T>, id: string, value: T): void {
  while (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next().value as string;
    map.delete(oldest);
  }
  map.set(id, value);
}
