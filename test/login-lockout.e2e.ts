import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import { textOf } from './support/console-text';
import { messageOf, secretOf, tokenAt, WebClient, type WebPage } from './support/web-client';

jest.setTimeout(120_000);

const SERVER1 = 'server1/renovations';
const VAULT_PATH = 'IBM_ID_VAULT\\renovationsvault.nsf';
const LOCKED = /^This account is temporarily locked after too many failed login attempts\. Try again in 1 minute; if you did not make these attempts, tell your administrator$/;

/** One vault server with TOTP, and four /mfatest1 users so each test locks its own account. */
const TOPOLOGY = `
domain: renovations
organizations:
  - name: /renovations
    certifier: { server: server1/renovations, idFile: renovations-cert.id, password: renovations-demo }
  - name: /mfatest1
    certifier: { server: server1/renovations, idFile: cert.id, password: mfatest1-demo }
servers:
  - name: server1/renovations
    administrationServer: true
    http: { nameAndPassword: yes-with-totp }
people:
  - name: renovations admin/renovations
    administrator: true
    internetPassword: admin-demo
  - name: password user/mfatest1
    internetAddress: password.user@mfatest1.example
    internetPassword: password-demo
  - name: code user/mfatest1
    internetPassword: code-demo
  - name: reset user/mfatest1
    internetPassword: reset-demo
  - name: device user/mfatest1
    internetPassword: device-demo
vaults:
  - name: /renovationsvault
    description: renovationsvault
    servers: [server1/renovations]
    administrationServers: [server1/renovations]
    administrators: [renovations admin/renovations]
    designVersion: 12
    trust:
      - certifier: /renovations
    users: [password user/mfatest1, code user/mfatest1, reset user/mfatest1, device user/mfatest1]
totp:
  enabled: true
`;

/** Lock after 3 failures within 10 minutes, for 3 seconds, so a test can wait for the unlock. */
const LOCKOUT = { DOMSIM_LOCKOUT_MAX_TRIES: '3', DOMSIM_LOCKOUT_INTERVAL_MINUTES: '10', DOMSIM_LOCKOUT_EXPIRATION_MINUTES: '0.05' };

describe('web login lockout', () => {
  let domain: StartedTestDomain;
  let base: string;

  /** Each attempt comes from a new browser, as an attacker rotating addresses would send it. */
  const login = (username: string, password: string): Promise<WebPage> => new WebClient(base).post('/login', { username, password });
  const vaultReplica = async () => (await domain.health(SERVER1)).replicas.find((replica) => replica.path === VAULT_PATH);
  const vaultDigest = async () => (await vaultReplica())?.digest;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().withTopologyText(TOPOLOGY).withEnvironment(LOCKOUT).start();
    base = await domain.httpUrlOf(SERVER1);
    expect((await domain.command(SERVER1, 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo')).ok).toBe(true);
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it('locks an account after wrong passwords', async () => {
    const first = await login('password user/mfatest1', 'wrong-1');
    const second = await login('password.user@mfatest1.example', 'wrong-2');
    const third = await login('password user/mfatest1', 'wrong-3');
    const rightPassword = await login('password user/mfatest1', 'password-demo');
    const wrongPassword = await login('password user/mfatest1', 'wrong-4');

    expect([first.status, second.status]).toEqual([401, 401]);
    expect(third.status).toBe(403);
    expect(messageOf(third)).toMatch(LOCKED);
    expect(rightPassword.status).toBe(403);
    expect(messageOf(rightPassword)).toMatch(LOCKED);
    expect(rightPassword.html).toBe(wrongPassword.html);
    expect(rightPassword.setCookies).toEqual([]);
  });

  it('unlocks after the expiration', async () => {
    const page = await eventually(
      async () => {
        const attempt = await login('password user/mfatest1', 'password-demo');
        expect(attempt.status).toBe(200);
        return attempt;
      },
      { description: 'a login after the lockout expired' },
    );

    expect(page.html).toContain('id="enroll-form"');
  });

  it('locks unknown names as it locks known ones', async () => {
    const pages: WebPage[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) pages.push(await login('nobody/mfatest1', `guess-${attempt}`));

    expect(pages.map((page) => page.status)).toEqual([401, 401, 403, 403]);
    expect(messageOf(pages[3])).toMatch(LOCKED);
  });

  it('locks an account after invalid TOTP codes across logins', async () => {
    const enrollment = new WebClient(base);
    const offer = await enrollment.post('/login', { username: 'code user/mfatest1', password: 'code-demo' });
    const secret = secretOf(offer);
    expect((await enrollment.post('/login/enroll', { deviceName: 'phone1', token: tokenAt(secret) })).status).toBe(200);
    const before = await vaultDigest();

    const codes: WebPage[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const client = new WebClient(base);
      expect((await client.post('/login', { username: 'code user/mfatest1', password: 'code-demo' })).html).toContain('id="token-form"');
      codes.push(await client.post('/login/token', { token: '000000' }));
    }
    const afterLock = await login('code user/mfatest1', 'code-demo');

    expect(codes.map((page) => page.status)).toEqual([401, 401, 403]);
    expect(messageOf(codes[2])).toMatch(LOCKED);
    expect(afterLock.status).toBe(403);
    expect(messageOf(afterLock)).toMatch(LOCKED);
    expect(await vaultDigest()).toBe(before);
  });

  it('locks an account after invalid codes for a new device', async () => {
    const client = new WebClient(base);
    const offer = await client.post('/login', { username: 'device user/mfatest1', password: 'device-demo' });
    expect((await client.post('/login/enroll', { deviceName: 'phone1', token: tokenAt(secretOf(offer)) })).status).toBe(200);
    expect((await client.post('/totp/devices/add', {})).html).toContain('id="enroll-form"');
    const before = await vaultDigest();

    const malformed = await client.post('/totp/devices/confirm', { deviceName: 'tablet1', token: 'abc' });
    const codes: WebPage[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) codes.push(await client.post('/totp/devices/confirm', { deviceName: 'tablet1', token: '000000' }));
    const devicesAfterLock = await client.get('/totp/devices');
    const afterLock = await login('device user/mfatest1', 'device-demo');

    expect(malformed.status).toBe(400);
    expect(messageOf(malformed)).toBe('Code from the app must be 6 or 8 digits: enter the 6-digit code your authenticator app shows after you scanned the QR code');
    expect(codes.map((page) => page.status)).toEqual([401, 401, 403]);
    expect(messageOf(codes[2])).toMatch(LOCKED);
    expect(devicesAfterLock.status).toBe(401);
    expect(afterLock.status).toBe(403);
    expect(messageOf(afterLock)).toMatch(LOCKED);
    expect(await vaultDigest()).toBe(before);
  });

  it('clears the count after a complete login', async () => {
    await login('reset user/mfatest1', 'wrong-1');
    await login('reset user/mfatest1', 'wrong-2');
    const client = new WebClient(base);
    const offer = await client.post('/login', { username: 'reset user/mfatest1', password: 'reset-demo' });
    expect((await client.post('/login/enroll', { deviceName: 'phone1', token: tokenAt(secretOf(offer)) })).status).toBe(200);

    const next = await login('reset user/mfatest1', 'wrong-3');
    const again = await login('reset user/mfatest1', 'wrong-4');

    expect(next.status).toBe(401);
    expect(again.status).toBe(401);
  });

  it('saves nothing when a reset removes nothing', async () => {
    const before = await vaultReplica();

    const cli = spawnSync(
      process.execPath,
      [join(__dirname, '..', 'bin', 'domsim.js'), 'totp', 'reset', 'password user/mfatest1', '--nats', domain.natsUrl, '--domain', 'renovations', '--data', domain.root],
      { encoding: 'utf8' },
    );
    const after = await vaultReplica();

    expect(cli.status).toBe(0);
    expect(textOf(cli.stdout.trim().split('\n'))).toEqual([
      'password user/mfatest1 has no TOTP items in IBM_ID_VAULT\\renovationsvault.nsf: nothing to remove, so the vault document is unchanged',
    ]);
    expect(before).toBeDefined();
    expect(after?.vector).toEqual(before?.vector);
    expect(after?.digest).toBe(before?.digest);
  });
});
