import { TotpError, type TotpErrorCode } from './errors';
import { confirmEnrollment, offerEnrollment, removeDevice, replaceScratchCodes, type TotpContext, verifyLogin } from './totp-operations';
import { DEFAULT_TOTP_SETTINGS, type TotpSettings } from './totp-settings';
import { generateTotp, type TotpParameters } from './totp-tokens';
import { EMPTY_TOTP_RECORD, type TotpRecord } from './vault-user-document';
import { newVaultKeyFile, parseVaultKeyFile } from './vault-key';

const NOW = new Date('2026-05-01T12:00:10.000Z');
const USER = 'CN=totp user/O=mfatest1';
const SETTINGS: TotpSettings = { ...DEFAULT_TOTP_SETTINGS, enabled: true };
const KEY = parseVaultKeyFile(newVaultKeyFile('O=renovationsvault').text);
const OTHER_KEY = parseVaultKeyFile(newVaultKeyFile('O=renovationsvault').text);

function contextAt(now: Date, settings: TotpSettings = SETTINGS): TotpContext {
  return { key: KEY, settings, user: USER, issuer: 'renovations', account: 'totp user/mfatest1', now };
}

function later(steps: number): Date {
  return new Date(NOW.getTime() + steps * 30_000);
}

function tokenFor(secret: string, when: Date, parameters: TotpParameters = { algorithm: 'SHA256', digits: 6, stepSeconds: 30 }): string {
  return generateTotp(secret, parameters, when);
}

function codeOf(action: () => unknown): TotpErrorCode | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof TotpError) return error.code;
    throw error;
  }
  return undefined;
}

/** Enrolls one device and returns the record, its secret and the scratch codes. */
function enrolled(record: TotpRecord = EMPTY_TOTP_RECORD, device = 'phone1', context = contextAt(NOW)) {
  const offer = offerEnrollment(record, context);
  const change = confirmEnrollment(record, context, { device, secret: offer.secret, token: tokenFor(offer.secret, context.now) });
  return { record: change.record, secret: offer.secret, scratchCodes: change.result.scratchCodes };
}

describe('totp enrollment', () => {
  it('stores the device with an encrypted URI and 10 hashed scratch codes', () => {
    const { record, secret, scratchCodes } = enrolled();

    expect(record.devices.map((device) => device.name)).toEqual(['phone1']);
    expect(record.devices[0].sealedUri).not.toContain(secret);
    expect(record.devices[0].sealedUri).toMatch(/^v1\.[0-9a-f]{16}\./);
    expect(scratchCodes).toHaveLength(10);
    expect(new Set(scratchCodes).size).toBe(10);
    for (const code of scratchCodes) expect(code).toMatch(/^\d{8}$/);
    expect(record.scratchHashes).toHaveLength(10);
    expect(record.scratchHashes.some((hash) => scratchCodes.includes(hash))).toBe(false);
  });

  it('offers a URI with the configured algorithm', () => {
    const offer = offerEnrollment(EMPTY_TOTP_RECORD, contextAt(NOW, { ...SETTINGS, algorithm: 'SHA1', stepSeconds: 60 }));

    expect(new URL(offer.uri).searchParams.get('algorithm')).toBe('SHA1');
    expect(new URL(offer.uri).searchParams.get('period')).toBe('60');
    expect(offer.parameters).toEqual({ algorithm: 'SHA1', digits: 6, stepSeconds: 60 });
  });

  it('issues no scratch codes when they are off', () => {
    const { record, scratchCodes } = enrolled(EMPTY_TOTP_RECORD, 'phone1', contextAt(NOW, { ...SETTINGS, scratchCodes: false }));

    expect(scratchCodes).toEqual([]);
    expect(record.scratchHashes).toEqual([]);
  });

  it('keeps the scratch codes when a second device is added', () => {
    const first = enrolled();

    const second = enrolled(first.record, 'tablet2');

    expect(second.scratchCodes).toEqual([]);
    expect(second.record.scratchHashes).toEqual(first.record.scratchHashes);
    expect(second.record.devices.map((device) => device.name)).toEqual(['phone1', 'tablet2']);
  });

  it.each([
    ['a', 'INVALID_DEVICE_NAME'],
    ['my phone', 'INVALID_DEVICE_NAME'],
    ['phone-1', 'INVALID_DEVICE_NAME'],
    ['x'.repeat(24), 'INVALID_DEVICE_NAME'],
    ['PHONE1', 'DEVICE_EXISTS'],
  ])('rejects the device name "%s" with %s', (device, code) => {
    const { record } = enrolled();
    const offer = offerEnrollment(record, contextAt(NOW));

    expect(codeOf(() => confirmEnrollment(record, contextAt(NOW), { device, secret: offer.secret, token: tokenFor(offer.secret, NOW) }))).toBe(code);
  });

  it('accepts device names of 2 and 23 characters', () => {
    const two = enrolled(EMPTY_TOTP_RECORD, 'ab');

    const both = enrolled(two.record, 'A'.repeat(22) + '9');

    expect(both.record.devices.map((device) => device.name.length)).toEqual([2, 23]);
  });

  it('rejects a token for another secret', () => {
    const offer = offerEnrollment(EMPTY_TOTP_RECORD, contextAt(NOW));
    const other = offerEnrollment(EMPTY_TOTP_RECORD, contextAt(NOW));

    expect(codeOf(() => confirmEnrollment(EMPTY_TOTP_RECORD, contextAt(NOW), { device: 'phone1', secret: offer.secret, token: tokenFor(other.secret, NOW) }))).toBe('INVALID_TOKEN');
  });

  it('rejects a secret that is not base32', () => {
    expect(codeOf(() => confirmEnrollment(EMPTY_TOTP_RECORD, contextAt(NOW), { device: 'phone1', secret: 'not a secret', token: '123456' }))).toBe('INVALID_REQUEST');
  });

  it('stops at the maximum number of devices', () => {
    const settings = { ...SETTINGS, maxSecretsPerUser: 2 };
    const first = enrolled(EMPTY_TOTP_RECORD, 'phone1', contextAt(NOW, settings));
    const second = enrolled(first.record, 'phone2', contextAt(NOW, settings));

    expect(codeOf(() => offerEnrollment(second.record, contextAt(NOW, settings)))).toBe('TOO_MANY_DEVICES');
    expect(codeOf(() => confirmEnrollment(second.record, contextAt(NOW, settings), { device: 'phone3', secret: first.secret, token: tokenFor(first.secret, NOW) }))).toBe(
      'TOO_MANY_DEVICES',
    );
  });
});

describe('totp login', () => {
  it('accepts the next token and records its step', () => {
    const { record, secret } = enrolled();

    const change = verifyLogin(record, contextAt(later(1)), tokenFor(secret, later(1)));

    expect(change.result).toEqual({ method: 'token', device: 'phone1', scratchCodesLeft: 10 });
    expect(change.record.devices[0].lastStep).toBe(record.devices[0].lastStep + 1);
  });

  it('rejects the enrollment token as a replay', () => {
    const { record, secret } = enrolled();

    expect(codeOf(() => verifyLogin(record, contextAt(NOW), tokenFor(secret, NOW)))).toBe('TOKEN_ALREADY_USED');
  });

  it.each([-2, 2, 3])('rejects a token %i steps off', (offset) => {
    const { record, secret } = enrolled();

    expect(codeOf(() => verifyLogin(record, contextAt(later(5)), tokenFor(secret, later(5 + offset))))).toBe('INVALID_TOKEN');
  });

  it('accepts a token of any enrolled device', () => {
    const first = enrolled();
    const second = enrolled(first.record, 'tablet2');

    const change = verifyLogin(second.record, contextAt(later(3)), tokenFor(second.secret, later(3)));

    expect(change.result.device).toBe('tablet2');
  });

  it('accepts each scratch code once', () => {
    const { record, scratchCodes } = enrolled();

    const first = verifyLogin(record, contextAt(later(1)), scratchCodes[3]);

    expect(first.result).toEqual({ method: 'scratch-code', scratchCodesLeft: 9 });
    expect(codeOf(() => verifyLogin(first.record, contextAt(later(2)), scratchCodes[3]))).toBe('INVALID_TOKEN');
    expect(verifyLogin(first.record, contextAt(later(2)), `${scratchCodes[4].slice(0, 4)} ${scratchCodes[4].slice(4)}`).result.scratchCodesLeft).toBe(8);
  });

  it('rejects scratch codes when they are off', () => {
    const { record, scratchCodes } = enrolled();

    expect(codeOf(() => verifyLogin(record, contextAt(later(1), { ...SETTINGS, scratchCodes: false }), scratchCodes[0]))).toBe('INVALID_TOKEN');
  });

  it('rejects a user without devices', () => {
    expect(codeOf(() => verifyLogin(EMPTY_TOTP_RECORD, contextAt(NOW), '123456'))).toBe('NOT_ENROLLED');
  });

  it('reports a secret from another vault key', () => {
    const { record, secret } = enrolled();

    const error = (() => {
      try {
        verifyLogin(record, { ...contextAt(later(1)), key: OTHER_KEY }, tokenFor(secret, later(1)));
      } catch (caught) {
        return caught as TotpError;
      }
      return undefined;
    })();

    expect(error?.code).toBe('VAULT_DOCUMENT_DAMAGED');
    expect(error?.message).toContain(`another vault key (${KEY.keyId}, this server has ${OTHER_KEY.keyId})`);
  });

  it('does not decrypt a device moved to another user', () => {
    const { record, secret } = enrolled();

    expect(codeOf(() => verifyLogin(record, { ...contextAt(later(1)), user: 'CN=other user/O=mfatest1' }, tokenFor(secret, later(1))))).toBe('VAULT_DOCUMENT_DAMAGED');
  });
});

describe('totp device management', () => {
  it('removes a device by name without regard to case', () => {
    const first = enrolled();
    const second = enrolled(first.record, 'tablet2');

    const record = removeDevice(second.record, contextAt(NOW), 'PHONE1');

    expect(record.devices.map((device) => device.name)).toEqual(['tablet2']);
    expect(codeOf(() => verifyLogin(record, contextAt(later(2)), tokenFor(first.secret, later(2))))).toBe('INVALID_TOKEN');
  });

  it('rejects an unknown device', () => {
    expect(codeOf(() => removeDevice(enrolled().record, contextAt(NOW), 'watch'))).toBe('DEVICE_NOT_FOUND');
  });

  it('replaces the scratch codes', () => {
    const { record, scratchCodes } = enrolled();

    const change = replaceScratchCodes(record, contextAt(NOW));

    expect(change.result.scratchCodes).toHaveLength(10);
    expect(codeOf(() => verifyLogin(change.record, contextAt(later(1)), scratchCodes[0]))).toBe('INVALID_TOKEN');
    expect(verifyLogin(change.record, contextAt(later(1)), change.result.scratchCodes[0]).result.method).toBe('scratch-code');
  });

  it('replaces no scratch codes when they are off or before enrollment', () => {
    expect(codeOf(() => replaceScratchCodes(enrolled().record, contextAt(NOW, { ...SETTINGS, scratchCodes: false })))).toBe('SCRATCH_CODES_DISABLED');
    expect(codeOf(() => replaceScratchCodes(EMPTY_TOTP_RECORD, contextAt(NOW)))).toBe('NOT_ENROLLED');
  });
});
