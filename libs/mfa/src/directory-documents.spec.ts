import { Forms, type Items, NAMES_NSF, ReplicaState } from '@domsim/directory';

import { TotpError } from './errors';
import { configurationSettingsItems, DEFAULT_TOTP_SETTINGS, readTotpSettings } from './totp-settings';
import { EMPTY_TOTP_RECORD, findVaultUser, newVaultUserItems, readTotpRecord, type TotpRecord, vaultUserUnid, withTotpRecord } from './vault-user-document';
import { NameAndPassword, readNameAndPassword, VAULT_TRANSPORT_KEY_ITEM, vaultsTrusting } from './web-server-settings';

const SERVER1 = 'CN=server1/O=renovations';
const SERVER3 = 'CN=server3/O=renovations';

function replicaWith(path: string, ...documents: Array<{ form: string; items: Items; unid?: string }>): ReplicaState {
  const replica = new ReplicaState({ replicaId: '852564AC:044EBCCF', path, title: path });
  documents.forEach((document, index) => {
    const unid = document.unid ?? String(index + 1).padStart(32, '0');
    replica.add({ replicaId: replica.replicaId, unid, originator: SERVER1, counter: index + 1, seq: 1, seqTime: index + 1, parent: null, deleted: false, form: document.form, items: document.items });
  });
  return replica;
}

describe('configuration settings', () => {
  it('reads the settings for all servers', () => {
    const settings = { ...DEFAULT_TOTP_SETTINGS, enabled: true, maxSecretsPerUser: 2, algorithm: 'SHA1' as const, stepSeconds: 60, skewSteps: 2 };

    const read = readTotpSettings(replicaWith(NAMES_NSF, { form: Forms.ConfigurationSettings, items: configurationSettingsItems(settings) }), SERVER1);

    expect(read).toEqual(settings);
  });

  it("prefers a server's own document", () => {
    const names = replicaWith(
      NAMES_NSF,
      { form: Forms.ConfigurationSettings, items: configurationSettingsItems({ ...DEFAULT_TOTP_SETTINGS, enabled: true }) },
      { form: Forms.ConfigurationSettings, items: configurationSettingsItems(DEFAULT_TOTP_SETTINGS, 'server3/renovations') },
    );

    expect(readTotpSettings(names, SERVER3).enabled).toBe(false);
    expect(readTotpSettings(names, SERVER1).enabled).toBe(true);
  });

  it('uses the defaults without a document', () => {
    expect(readTotpSettings(replicaWith(NAMES_NSF), SERVER1)).toEqual(DEFAULT_TOTP_SETTINGS);
  });

  it.each([
    ['TOTPMaxSecrets', '4', 'maxSecretsPerUser', 3],
    ['TOTPMaxSecrets', '0', 'maxSecretsPerUser', 3],
    ['TOTP_STEPSIZE', 'thirty', 'stepSeconds', 30],
    ['TOTP_TIMESKEW_STEPS', '-1', 'skewSteps', 1],
    ['TOTPAlgorithm', 'MD5', 'algorithm', 'SHA256'],
    ['TOTPAlgorithm', 'sha-1', 'algorithm', 'SHA1'],
  ])('reads %s "%s" as %s %s', (item, value, field, expected) => {
    const items = { ...configurationSettingsItems({ ...DEFAULT_TOTP_SETTINGS, enabled: true }), [item]: value };

    const read = readTotpSettings(replicaWith(NAMES_NSF, { form: Forms.ConfigurationSettings, items }), SERVER1);

    expect(read[field as keyof typeof read]).toBe(expected);
  });
});

describe('web server settings', () => {
  const names = replicaWith(
    NAMES_NSF,
    { form: Forms.Server, items: { ServerName: SERVER1, HTTPNameAndPassword: 'Yes with TOTP' } },
    { form: Forms.Server, items: { ServerName: SERVER3 } },
    { form: Forms.IdVault, items: { VaultName: 'O=vaultA', VaultDatabase: 'IBM_ID_VAULT\\vaultA.nsf', TrustedWebServers: [SERVER3], [VAULT_TRANSPORT_KEY_ITEM]: 'key A' } },
    { form: Forms.IdVault, items: { VaultName: 'O=vaultB', VaultDatabase: 'IBM_ID_VAULT\\vaultB.nsf', TrustedWebServers: [SERVER1], [VAULT_TRANSPORT_KEY_ITEM]: 'key B' } },
    { form: Forms.IdVault, items: { VaultName: 'O=vaultC', VaultDatabase: 'IBM_ID_VAULT\\vaultC.nsf', TrustedWebServers: [SERVER3] } },
  );

  it('reads the Name & password setting', () => {
    expect(readNameAndPassword(names, 'server1/renovations')).toBe(NameAndPassword.YesWithTotp);
    expect(readNameAndPassword(names, SERVER3)).toBe(NameAndPassword.Yes);
    expect(readNameAndPassword(names, 'CN=server9/O=renovations')).toBe(NameAndPassword.Yes);
  });

  it('finds the vaults that trust a web server', () => {
    expect(vaultsTrusting(names, SERVER3).map((vault) => [vault.document.vaultName, vault.transportKeyPem])).toEqual([['O=vaultA', 'key A']]);
  });
});

describe('vault user document', () => {
  const record: TotpRecord = {
    devices: [
      { name: 'phone1', sealedUri: 'v1.a.b.c.d', created: '2026-05-01T12:00:00.000Z', lastStep: 59_000_000 },
      { name: 'tablet2', sealedUri: 'v1.e.f.g.h', created: '2026-05-02T12:00:00.000Z', lastStep: 59_000_100 },
    ],
    scratchSalt: 'c2FsdA==',
    scratchHashes: ['aGFzaDE=', 'aGFzaDI='],
  };
  const vault = replicaWith('IBM_ID_VAULT\\renovationsvault.nsf', {
    form: Forms.VaultUser,
    unid: vaultUserUnid('O=renovationsvault', 'CN=totp user/O=mfatest1'),
    items: withTotpRecord({ ...newVaultUserItems('CN=totp user/O=mfatest1'), Comment: 'kept' }, record),
  });

  it('round-trips the TOTP items and keeps the others', () => {
    const note = findVaultUser(vault, 'totp user/mfatest1');

    expect(note === undefined ? undefined : readTotpRecord(note)).toEqual(record);
    expect(note?.items.Comment).toBe('kept');
  });

  it('finds no document for another user', () => {
    expect(findVaultUser(vault, 'web user/renovations')).toBeUndefined();
    expect(findVaultUser(vault, 'not a name/')).toBeUndefined();
  });

  it('clears every TOTP item on reset', () => {
    const items = withTotpRecord(withTotpRecord({ FullName: 'x' }, record), EMPTY_TOTP_RECORD);

    expect(items).toEqual({ FullName: 'x', TOTPDeviceNames: [], TOTPURIs: [], TOTPDeviceCreated: [], TOTPLastSteps: [], TOTPScratchSalt: '', TOTPScratchCodes: [] });
  });

  it('reports device lists of different lengths', () => {
    const damaged = replicaWith('IBM_ID_VAULT\\renovationsvault.nsf', {
      form: Forms.VaultUser,
      items: { ...withTotpRecord(newVaultUserItems('CN=totp user/O=mfatest1'), record), TOTPURIs: ['v1.a.b.c.d'] },
    });
    const note = findVaultUser(damaged, 'totp user/mfatest1');

    expect(() => readTotpRecord(note as NonNullable<typeof note>)).toThrow(TotpError);
    expect(() => readTotpRecord(note as NonNullable<typeof note>)).toThrow('do not match (2 device names, 1 URIs)');
  });
});
