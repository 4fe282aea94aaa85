import { generateKeyPairSync } from 'node:crypto';

import { CertificateTypes, Forms, type Items, NAMES_NSF, ReplicaState } from '@domsim/directory';
import { buildTrustCertificate, type VaultDocument } from '@domsim/id-vault';
import { parseName } from '@domsim/names';

import { checkTotpGate, findMfaTrust, type TotpGateInput } from './mfa-gate';
import { DEFAULT_TOTP_SETTINGS } from './totp-settings';

const ISSUED = new Date('2026-01-15T10:00:00.000Z');
const NOW = new Date('2026-05-01T12:00:00.000Z');
const VAULT = 'O=renovationsvault';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });

const vaultDocument: VaultDocument = {
  unid: 'A'.repeat(32),
  vaultName: VAULT,
  database: 'IBM_ID_VAULT\\renovationsvault.nsf',
  description: 'renovationsvault',
  administrators: [],
  servers: ['CN=server1/O=renovations', 'CN=server2/O=renovations'],
  administrationServers: ['CN=server1/O=renovations'],
  trustedWebServers: ['CN=server1/O=renovations', 'CN=server3/O=renovations'],
};

function namesWith(...certificates: Array<{ pattern: string; issuer?: string; issuedTo?: string; issued?: Date; validityYears?: number }>): ReplicaState {
  const names = new ReplicaState({ replicaId: '852564AC:044EBCCF', path: NAMES_NSF, title: 'Directory' });
  certificates.forEach((certificate, index) => {
    const document = buildTrustCertificate({
      type: CertificateTypes.Mfa,
      issuer: parseName(certificate.issuer ?? '/mfatest1'),
      issuerKey: privateKey,
      issuedTo: certificate.issuedTo ?? VAULT,
      pattern: certificate.pattern,
      issued: certificate.issued ?? ISSUED,
      validityYears: certificate.validityYears,
    });
    names.add({ replicaId: names.replicaId, unid: document.unid, originator: 'CN=server1/O=renovations', counter: index + 1, seq: 1, seqTime: index + 1, parent: null, deleted: false, form: document.form, items: document.items as Items });
  });
  return names;
}

function gateInput(names: ReplicaState, overrides: Partial<TotpGateInput> = {}): TotpGateInput {
  return {
    names,
    vault: vaultDocument,
    vaultServer: 'CN=server1/O=renovations',
    webServer: 'CN=server3/O=renovations',
    settings: { ...DEFAULT_TOTP_SETTINGS, enabled: true },
    user: 'CN=totp user/O=mfatest1',
    userInVault: true,
    now: NOW,
    ...overrides,
  };
}

describe('mfa trust lookup', () => {
  it.each([
    ['*/O=mfatest1', 'totp user/mfatest1', true],
    ['*/O=mfatest1', 'sales person/sales/mfatest1', true],
    ['*/OU=sales/O=mfatest1', 'sales person/sales/mfatest1', true],
    ['*/OU=sales/O=mfatest1', 'totp user/mfatest1', false],
    ['*/OU=sales/O=mfatest1', 'hr person/hr/mfatest1', false],
    ['*/O=mfatest1', 'web user/renovations', false],
    ['*/O=MFATEST1', 'TOTP User/MfaTest1', true],
  ])('pattern %s covers %s: %s', (pattern, user, expected) => {
    expect(findMfaTrust(namesWith({ pattern }), parseName(user), VAULT, NOW) !== undefined).toBe(expected);
  });

  it('ignores a certificate issued to another vault', () => {
    expect(findMfaTrust(namesWith({ pattern: '*/O=mfatest1', issuedTo: 'O=othervault' }), parseName('totp user/mfatest1'), VAULT, NOW)).toBeUndefined();
  });

  it('ignores an expired certificate', () => {
    const names = namesWith({ pattern: '*/O=mfatest1', issued: new Date('2020-01-01T00:00:00.000Z'), validityYears: 1 });

    expect(findMfaTrust(names, parseName('totp user/mfatest1'), VAULT, NOW)).toBeUndefined();
  });

  it('ignores documents of other forms', () => {
    const names = namesWith();
    names.add({ replicaId: names.replicaId, unid: 'B'.repeat(32), originator: 'x', counter: 1, seq: 1, seqTime: 1, parent: null, deleted: false, form: Forms.Person, items: { AllowedPattern: '*/O=mfatest1' } });

    expect(findMfaTrust(names, parseName('totp user/mfatest1'), VAULT, NOW)).toBeUndefined();
  });
});

describe('totp gate', () => {
  const trusted = namesWith({ pattern: '*/O=mfatest1' });

  it('lets a vaulted user of a trusted organization through', () => {
    expect(checkTotpGate(gateInput(trusted))).toBeUndefined();
  });

  it.each([
    ['an untrusted web server', { webServer: 'CN=server2/O=renovations' }, 'WEB_SERVER_NOT_TRUSTED', 'ID vault /renovationsvault does not trust web server server2/renovations'],
    ['TOTP switched off', { settings: DEFAULT_TOTP_SETTINGS }, 'TOTP_DISABLED', 'TOTP for web authentication is not enabled'],
    ['a user of another organization', { user: 'CN=web user/O=renovations', userInVault: false }, 'MFA_NOT_ENABLED', 'MFA is not enabled for the organization of web user/renovations (/renovations)'],
    ['a user outside the vault', { userInVault: false }, 'NOT_IN_VAULT', 'totp user/mfatest1 is not in ID vault /renovationsvault'],
  ])('rejects %s', (_case, overrides, code, message) => {
    const error = checkTotpGate(gateInput(trusted, overrides as Partial<TotpGateInput>));

    expect(error?.code).toBe(code);
    expect(error?.message).toContain(message);
  });

  it('rejects before the certificate reached the vault server', () => {
    expect(checkTotpGate(gateInput(namesWith()))?.code).toBe('MFA_NOT_ENABLED');
  });
});
