import { EMPTY_TOTP_RECORD, hasTotpItems, newVaultUserItems, VaultUserItems, withTotpRecord } from './vault-user-document';

describe('hasTotpItems', () => {
  const user = 'totp user/mfatest1';

  it('is false for a new vault document', () => {
    expect(hasTotpItems(newVaultUserItems(user))).toBe(false);
  });

  it('is false after a reset', () => {
    expect(hasTotpItems(withTotpRecord(newVaultUserItems(user), EMPTY_TOTP_RECORD))).toBe(false);
  });

  it('is true for a scratch code alone', () => {
    const items = withTotpRecord(newVaultUserItems(user), { devices: [], scratchSalt: 'salt', scratchHashes: ['hash'] });

    expect(hasTotpItems(items)).toBe(true);
  });

  it('is true for damaged device lists', () => {
    const items = { ...newVaultUserItems(user), [VaultUserItems.DeviceNames]: ['phone1'], [VaultUserItems.Uris]: [] };

    expect(hasTotpItems(items)).toBe(true);
  });

  it('matches item names case-insensitively', () => {
    expect(hasTotpItems({ ...newVaultUserItems(user), totpscratchsalt: 'salt' })).toBe(true);
  });
});
