import { LoginLockout, lockedMessage } from './login-lockout';

const MINUTE = 60_000;

describe('LoginLockout', () => {
  let now: number;
  let lockout: LoginLockout;

  beforeEach(() => {
    now = 1_000_000;
    lockout = new LoginLockout({ maxTries: 3, intervalMs: 10 * MINUTE, expirationMs: 5 * MINUTE }, () => now);
  });

  it('locks after the maximum tries', () => {
    expect(lockout.recordFailure('alice')).toBe(0);
    expect(lockout.recordFailure('alice')).toBe(0);

    expect(lockout.recordFailure('alice')).toBe(5 * MINUTE);
    expect(lockout.lockedFor('alice')).toBe(5 * MINUTE);
  });

  it('counts each account on its own', () => {
    lockout.recordFailure('alice');
    lockout.recordFailure('alice');

    lockout.recordFailure('bob');

    expect(lockout.lockedFor('bob')).toBe(0);
    expect(lockout.failuresOf('alice')).toBe(2);
  });

  it('forgets failures older than the interval', () => {
    lockout.recordFailure('alice');
    lockout.recordFailure('alice');
    now += 10 * MINUTE + 1;

    expect(lockout.recordFailure('alice')).toBe(0);
    expect(lockout.failuresOf('alice')).toBe(1);
  });

  it('unlocks after the expiration', () => {
    for (let attempt = 0; attempt < 3; attempt += 1) lockout.recordFailure('alice');
    now += 5 * MINUTE - 1;
    expect(lockout.lockedFor('alice')).toBe(1);

    now += 1;

    expect(lockout.lockedFor('alice')).toBe(0);
    expect(lockout.recordFailure('alice')).toBe(0);
  });

  it('does not extend a lock on further failures', () => {
    for (let attempt = 0; attempt < 3; attempt += 1) lockout.recordFailure('alice');
    now += MINUTE;

    expect(lockout.recordFailure('alice')).toBe(4 * MINUTE);
  });

  it('clears the count on reset', () => {
    lockout.recordFailure('alice');
    lockout.recordFailure('alice');

    lockout.reset('alice');

    expect(lockout.recordFailure('alice')).toBe(0);
  });

  it('never locks with maxTries 0', () => {
    const off = new LoginLockout({ maxTries: 0, intervalMs: MINUTE, expirationMs: MINUTE }, () => now);

    for (let attempt = 0; attempt < 100; attempt += 1) off.recordFailure('alice');

    expect(off.lockedFor('alice')).toBe(0);
  });

  it('keeps locked accounts when many names fail', () => {
    for (let attempt = 0; attempt < 3; attempt += 1) lockout.recordFailure('alice');

    for (let index = 0; index < 10_050; index += 1) lockout.recordFailure(`unknown:${index}`);

    expect(lockout.lockedFor('alice')).toBeGreaterThan(0);
  });
});

describe('lockedMessage', () => {
  it.each([
    [1, '1 minute'],
    [60_000, '1 minute'],
    [60_001, '2 minutes'],
    [15 * 60_000, '15 minutes'],
  ])('rounds %d ms up to %s', (ms, text) => {
    expect(lockedMessage(ms)).toBe(
      `This account is temporarily locked after too many failed login attempts. Try again in ${text}; if you did not make these attempts, tell your administrator`,
    );
  });
});
