/** Settings of the web login lockout, from the server environment. */
export interface LockoutSettings {
  /** Failures within `intervalMs` that lock an account; 0 turns the lockout off. */
  readonly maxTries: number;
  readonly intervalMs: number;
  /** How long a locked account stays locked. */
  readonly expirationMs: number;
}

interface AccountFailures {
  /** Times of the failures within the interval, oldest first. */
  failures: number[];
  lockedUntil?: number;
}

/** Accounts tracked at once; when full, entries that no longer count are dropped first. */
const MAX_ACCOUNTS = 10_000;

/**
 * Counts failed web logins per account, like Domino's Internet password lockout: after
 * `maxTries` failed passwords or TOTP codes within the interval, the account is locked
 * until the expiration passes, whatever client address the attempts came from. Only a
 * complete login clears the count.
 *
 * NOTE: the counts live in this server's memory, so each web server locks on its own and a
 * restart clears them; Domino keeps them in inetlockout.nsf.
 */
export class LoginLockout {
  private readonly accounts = new Map<string, AccountFailures>();

  constructor(
    private readonly settings: LockoutSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.settings.maxTries > 0;
  }

  /** Milliseconds until the account unlocks, or 0 when it is not locked. */
  lockedFor(account: string): number {
    const entry = this.accounts.get(account);
    if (entry?.lockedUntil === undefined) return 0;
    const left = entry.lockedUntil - this.now();
    if (left > 0) return left;
    this.accounts.delete(account);
    return 0;
  }

  /**
   * Counts one failed password or code.
   *
   * @returns milliseconds the account is now locked for, or 0 when it is not locked.
   */
  recordFailure(account: string): number {
    if (!this.enabled) return 0;
    const now = this.now();
    const entry = this.accounts.get(account) ?? { failures: [] };
    if (entry.lockedUntil !== undefined && entry.lockedUntil > now) return entry.lockedUntil - now;

    entry.lockedUntil = undefined;
    entry.failures = entry.failures.filter((time) => time > now - this.settings.intervalMs);
    entry.failures.push(now);
    if (entry.failures.length >= this.settings.maxTries) {
      entry.failures = [];
      entry.lockedUntil = now + this.settings.expirationMs;
    }
    this.store(account, entry);
    return entry.lockedUntil === undefined ? 0 : this.settings.expirationMs;
  }

  /** Clears the failures of an account after a complete login. */
  reset(account: string): void {
    this.accounts.delete(account);
  }

  /** Failures counted for an account within the interval, for tests and statistics. */
  failuresOf(account: string): number {
    const now = this.now();
    return (this.accounts.get(account)?.failures ?? []).filter((time) => time > now - this.settings.intervalMs).length;
  }

  private store(account: string, entry: AccountFailures): void {
    this.accounts.delete(account);
    if (this.accounts.size >= MAX_ACCOUNTS) this.dropStale();
    // NOTE: when every tracked account still counts, the oldest unlocked one is dropped (the
    // oldest locked one if all are locked), so a flood of distinct names can clear another
    // account's count.
    for (const [key, value] of this.accounts) {
      if (this.accounts.size < MAX_ACCOUNTS) break;
      if (value.lockedUntil === undefined) this.accounts.delete(key);
    }
    if (this.accounts.size >= MAX_ACCOUNTS) this.accounts.delete(this.accounts.keys().next().value as string);
    this.accounts.set(account, entry);
  }

  private dropStale(): void {
    const now = this.now();
    for (const [key, value] of this.accounts) {
      const locked = value.lockedUntil !== undefined && value.lockedUntil > now;
      if (!locked && value.failures.every((time) => time <= now - this.settings.intervalMs)) this.accounts.delete(key);
    }
  }
}

/** Returns the lockout message, which never reveals whether the password was right. */
export function lockedMessage(lockedForMs: number): string {
  const minutes = Math.max(1, Math.ceil(lockedForMs / 60_000));
  return `This account is temporarily locked after too many failed login attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}; if you did not make these attempts, tell your administrator`;
}

/** Reads the lockout settings from a server environment. */
export function lockoutSettingsOf(environment: { DOMSIM_LOCKOUT_MAX_TRIES: number; DOMSIM_LOCKOUT_INTERVAL_MINUTES: number; DOMSIM_LOCKOUT_EXPIRATION_MINUTES: number }): LockoutSettings {
  return {
    maxTries: environment.DOMSIM_LOCKOUT_MAX_TRIES,
    intervalMs: environment.DOMSIM_LOCKOUT_INTERVAL_MINUTES * 60_000,
    expirationMs: environment.DOMSIM_LOCKOUT_EXPIRATION_MINUTES * 60_000,
  };
}
