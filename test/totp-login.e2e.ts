import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { connect, type NatsConnection } from 'nats';

import { parseVaultKeyFile, sealTotpRequest } from '@domsim/mfa';
import { DomainSubjects } from '@domsim/replication';
import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import { textOf } from './support/console-text';
import { messageOf, scratchCodesOf, secretOf, textById, tokenAt, WebClient, type WebPage } from './support/web-client';

const SERVER1 = 'server1/renovations';
const SERVER2 = 'server2/renovations';
const SERVER3 = 'server3/renovations';
const VAULT_PATH = 'IBM_ID_VAULT\\renovationsvault.nsf';
const TRUST_COMMAND = 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo';
const TOTP_USER = { username: 'totp user/mfatest1', password: 'totp-demo' };

jest.setTimeout(120_000);

/** The default domain with one more /mfatest1 person, whose ID is not in the vault. */
function topologyWithUnvaultedUser(): string {
  const text = readFileSync(join(__dirname, '..', 'libs', 'topology', 'domains', 'renovations.yaml'), 'utf8');
  const person = '  - name: unvaulted user/mfatest1\n    internetPassword: unvaulted-demo\n\nvaults:';
  return text.replace('\nvaults:', `\n${person}`);
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('TOTP web login across three servers', () => {
  let domain: StartedTestDomain;
  let spy: NatsConnection;
  const messages: string[] = [];
  const secrets: string[] = [];
  const web = new Map<string, string>();

  /** A fresh browser session on a server's login pages. */
  const browser = (server: string): WebClient => new WebClient(`http://${web.get(server)}`);

  /** The vault database's digest on server1 and server2, which every rejected step leaves unchanged. */
  const vaultDigests = async (): Promise<string[]> =>
    Promise.all([SERVER1, SERVER2].map(async (server) => (await domain.health(server)).replicas.find((replica) => replica.path === VAULT_PATH)?.digest ?? 'missing'));

  /** Logs in with name and password and returns the client with the page that follows. */
  const loginAt = async (server: string, credentials = TOTP_USER): Promise<{ client: WebClient; page: WebPage }> => {
    const client = browser(server);
    return { client, page: await client.post('/login', credentials) };
  };

  beforeAll(async () => {
    // These tests fail more than 5 logins of one user on purpose; the lockout has its own suite.
    domain = await new TestDomainBuilder().withTopologyText(topologyWithUnvaultedUser()).withEnvironment({ DOMSIM_LOCKOUT_MAX_TRIES: '0' }).start();
    spy = await connect({ servers: domain.natsUrl });
    spy.subscribe('>', { callback: (_error, msg) => messages.push(Buffer.from(msg.data).toString('latin1')) });
    await spy.flush();
    for (const server of [SERVER1, SERVER2, SERVER3]) web.set(server, (await domain.health(server)).http as string);
  });

  afterAll(async () => {
    await spy?.drain();
    await domain?.stop();
  });

  it('serves the login form on every server', async () => {
    for (const server of [SERVER1, SERVER2, SERVER3]) {
      const page = await browser(server).get('/login');

      expect(page.status).toBe(200);
      expect(page.html).toContain('name="LoginUserFormMFA"');
    }
  });

  it('rejects TOTP before the MFA trust exists', async () => {
    const before = await vaultDigests();

    const { page } = await loginAt(SERVER3);

    expect(page.status).toBe(403);
    expect(messageOf(page)).toBe(
      'MFA is not enabled for the organization of totp user/mfatest1 (/mfatest1): ID vault server server1/renovations holds no Multi-Factor Authentication Certificate for it; ask your administrator to enable MFA for your organization',
    );
    expect(page.setCookies).toEqual([]);
    expect(await vaultDigests()).toEqual(before);
  });

  it.each([
    ['a wrong password', { username: 'totp user/mfatest1', password: 'Totp-demo' }, 401, 'The user name or Internet password is not correct'],
    ['an unknown user', { username: 'nobody/mfatest1', password: 'totp-demo' }, 401, 'The user name or Internet password is not correct'],
    ['an empty form', {}, 400, 'User name is empty: enter your full name, your short name or your e-mail address'],
    ['an empty password', { username: 'totp user/mfatest1' }, 400, 'Internet password is empty: enter the password for web access your administrator gave you'],
  ])('rejects %s', async (_case, fields, status, message) => {
    const before = await vaultDigests();

    const page = await browser(SERVER3).post('/login', fields as Record<string, string>);

    expect(page.status).toBe(status);
    expect(messageOf(page)).toContain(message);
    expect(page.setCookies).toEqual([]);
    expect(await vaultDigests()).toEqual(before);
  });

  it('rejects an oversized form', async () => {
    const page = await browser(SERVER3).postRaw('/login', `username=${'a'.repeat(10_000)}&password=totp-demo`);

    expect(page.status).toBe(413);
    expect(messageOf(page)).toBe('The form is too large (10028 bytes, at most 4096); send only the fields of the login form');
  });

  it('rejects a field that is not text', async () => {
    const page = await browser(SERVER3).postRaw('/login', 'username[a]=b&password=totp-demo');

    expect(page.status).toBe(400);
    expect(messageOf(page)).toBe('The form is invalid: username: must be text; reload the page and try again');
  });

  it('rejects an unknown or expired login', async () => {
    const client = browser(SERVER3);
    client.cookies.set('DomsimLoginId', 'not-a-login');
    client.cookies.set('DomAuthSessId', 'not-a-session');

    const token = await client.post('/login/token', { token: '123456' });
    const home = await client.get('/home');

    expect(token.status).toBe(401);
    expect(messageOf(token)).toBe('This login has expired or is unknown; enter your name and password again');
    expect(home.status).toBe(401);
    expect(messageOf(home)).toBe('You are not logged in, or your session has expired; log in again');
  });

  it('offers enrollment once the certificate reaches the vault server', async () => {
    const reply = await domain.command(SERVER1, TRUST_COMMAND);
    expect(reply.ok).toBe(true);

    const { page } = await eventually(
      async () => {
        const attempt = await loginAt(SERVER3);
        expect(attempt.page.status).toBe(200);
        return attempt;
      },
      { description: 'the enrollment page on server3' },
    );

    const uri = new URL(textById(page, 'otpauth-uri'));
    expect(uri.protocol).toBe('otpauth:');
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({ algorithm: 'SHA256', digits: '6', period: '30', issuer: 'renovations' });
    expect(page.html).toContain('<svg');
  });

  it('refuses MFA to a user of an untrusted organization', async () => {
    const { page } = await loginAt(SERVER3, { username: 'web user/renovations', password: 'web-demo' });

    expect(page.status).toBe(403);
    expect(messageOf(page)).toContain('MFA is not enabled for the organization of web user/renovations (/renovations)');
  });

  it('refuses enrollment to a user outside the vault', async () => {
    const { page } = await loginAt(SERVER3, { username: 'unvaulted user/mfatest1', password: 'unvaulted-demo' });

    expect(page.status).toBe(403);
    expect(messageOf(page)).toBe("unvaulted user/mfatest1 is not in ID vault /renovationsvault; TOTP needs the user's ID in the vault, so ask an administrator to add it");
  });

  describe('after enrollment', () => {
    let secret: string;
    let scratchCodes: string[];

    beforeAll(async () => {
      const { client, page } = await loginAt(SERVER3);
      secret = secretOf(page);
      secrets.push(secret);
      const before = await vaultDigests();

      const badName = await client.post('/login/enroll', { deviceName: 'my phone!', token: tokenAt(secret) });
      const badToken = await client.post('/login/enroll', { deviceName: 'phone1', token: tokenAt(secret, -3) });
      expect(badName.status).toBe(400);
      expect(messageOf(badName)).toBe('Device name "my phone!" is invalid: use 2 to 23 letters and digits, without spaces, e.g. phone1');
      expect(secretOf(badName)).toBe(secret);
      expect(badToken.status).toBe(401);
      expect(messageOf(badToken)).toContain('The token does not match the new secret');
      expect(await vaultDigests()).toEqual(before);

      const enrolled = await client.post('/login/enroll', { deviceName: 'phone1', token: tokenAt(secret) });
      expect(enrolled.status).toBe(200);
      scratchCodes = scratchCodesOf(enrolled);
      secrets.push(...scratchCodes);
      expect(enrolled.setCookies.find((cookie) => cookie.startsWith('DomAuthSessId='))).toMatch(/; HttpOnly; SameSite=Strict$/);
      expect(textById(await client.get('/home'), 'user')).toBe('totp user/mfatest1');
    });

    it('shows 10 scratch codes once', () => {
      expect(scratchCodes).toHaveLength(10);
      expect(new Set(scratchCodes).size).toBe(10);
    });

    it('replicates the vault document to server2', async () => {
      await eventually(async () => {
        const [server1, server2] = await vaultDigests();
        expect(server2).toBe(server1);
      });
    });

    it('logs in at a vault server with the next token', async () => {
      const { client, page } = await loginAt(SERVER2);
      expect(page.html).toContain('id="token-form"');

      const token = tokenAt(secret, 1);
      const done = await client.post('/login/token', { token });
      const replay = await loginAt(SERVER2).then(({ client: again }) => again.post('/login/token', { token }));

      expect(done.status).toBe(303);
      expect(done.location).toBe('/home');
      expect(textById(await client.get('/home'), 'user')).toBe('totp user/mfatest1');
      expect(replay.status).toBe(401);
      expect(messageOf(replay)).toBe('This token was already used; wait for the next one and enter it');
    });

    it('rejects a token two steps old', async () => {
      const { client } = await loginAt(SERVER3);

      const page = await client.post('/login/token', { token: tokenAt(secret, -2) });

      expect(page.status).toBe(401);
      expect(messageOf(page)).toContain('The token is not valid');
    });

    it.each([
      ['an empty code', '', 'Verification code is empty: enter the 6-digit code from your authenticator app, or one of your 8-digit scratch codes'],
      ['letters', 'abcdef', 'Verification code must be 6 or 8 digits: enter the 6-digit code from your authenticator app, or one of your 8-digit scratch codes'],
      ['seven digits', '1234567', 'Verification code must be 6 or 8 digits: enter the 6-digit code from your authenticator app, or one of your 8-digit scratch codes'],
    ])('names the code field for %s', async (_case, token, message) => {
      const { client } = await loginAt(SERVER3);

      const page = await client.post('/login/token', { token });

      expect(page.status).toBe(400);
      expect(messageOf(page)).toBe(message);
      expect(page.html).toContain('id="token-form"');
    });

    it('accepts a code typed with a space', async () => {
      const { client } = await loginAt(SERVER3);
      const token = tokenAt(secret, 0);

      const page = await client.post('/login/token', { token: `${token.slice(0, 3)} ${token.slice(3)}` });

      expect([303, 401]).toContain(page.status);
      expect(messageOf(page)).not.toContain('must be 6 or 8 digits');
    });

    it('accepts each scratch code once', async () => {
      const first = await loginAt(SERVER3).then(({ client }) => client.post('/login/token', { token: scratchCodes[0] }));
      const again = await loginAt(SERVER3).then(({ client }) => client.post('/login/token', { token: scratchCodes[0] }));

      expect(first.status).toBe(303);
      expect(again.status).toBe(401);
      expect(messageOf(again)).toBe('The scratch code is not valid or was already used; each scratch code works once');
    });

    it('ends a login after 5 invalid codes', async () => {
      const { client } = await loginAt(SERVER3);

      const pages: WebPage[] = [];
      for (let attempt = 0; attempt < 5; attempt += 1) pages.push(await client.post('/login/token', { token: '000000' }));

      expect(pages.slice(0, 4).map((page) => page.status)).toEqual([401, 401, 401, 401]);
      expect(messageOf(pages[4])).toBe('5 invalid codes in a row; enter your name and password again');
      expect(messageOf(await client.post('/login/token', { token: tokenAt(secret) }))).toContain('This login has expired or is unknown');
    });

    it('manages devices and scratch codes through server3', async () => {
      const { client } = await loginAt(SERVER3);
      expect((await client.post('/login/token', { token: scratchCodes[1] })).status).toBe(303);

      const offer = await client.post('/totp/devices/add', {});
      const tabletSecret = secretOf(offer);
      secrets.push(tabletSecret);
      const added = await client.post('/totp/devices/confirm', { deviceName: 'tablet2', token: tokenAt(tabletSecret) });
      const duplicate = await client.post('/totp/devices/add', {}).then((page) => client.post('/totp/devices/confirm', { deviceName: 'Tablet2', token: tokenAt(secretOf(page)) }));
      const deleted = await client.post('/totp/devices/delete', { deviceName: 'tablet2' });
      const missing = await client.post('/totp/devices/delete', { deviceName: 'watch' });
      const renewed = await client.post('/totp/scratch-codes', {});
      const oldCode = await loginAt(SERVER3).then(({ client: again }) => again.post('/login/token', { token: scratchCodes[2] }));

      expect(messageOf(added)).toBe('Device tablet2 is enrolled.');
      expect(added.html).toContain('<td class="device">tablet2</td>');
      expect(duplicate.status).toBe(400);
      expect(messageOf(duplicate)).toBe('totp user/mfatest1 already has a device named Tablet2; choose another name or delete that device first');
      expect(messageOf(deleted)).toBe('Device tablet2 is deleted.');
      expect(deleted.html).not.toContain('<td class="device">tablet2</td>');
      expect(missing.status).toBe(400);
      expect(messageOf(missing)).toContain('has no device named watch');
      expect(scratchCodesOf(renewed)).toHaveLength(10);
      expect(oldCode.status).toBe(401);
      secrets.push(...scratchCodesOf(renewed));
    });

    it('validates and seals the vault protocol on NATS', async () => {
      const subject = `${new DomainSubjects('renovations').server('CN=server1/O=renovations')}.totp`;
      const keyFile = parseVaultKeyFile(readFileSync(join(domain.dataDirOf(SERVER1), 'IBM_ID_VAULT', 'renovationsvault.key'), 'utf8'));
      const untrusted = sealTotpRequest(
        keyFile.transportPublicKeyPem,
        { webServer: 'CN=server9/O=renovations', vault: 'O=renovationsvault', now: new Date() },
        { operation: 'status', user: 'CN=totp user/O=mfatest1' },
      );

      const notJson = JSON.parse(Buffer.from((await spy.request(subject, 'hello', { timeout: 5_000 })).data).toString());
      const wrongShape = JSON.parse(Buffer.from((await spy.request(subject, JSON.stringify({ vault: 'O=renovationsvault', user: 'x' }), { timeout: 5_000 })).data).toString());
      const notTrusted = JSON.parse(Buffer.from((await spy.request(subject, JSON.stringify(untrusted.request), { timeout: 5_000 })).data).toString());
      const replayed = JSON.parse(Buffer.from((await spy.request(subject, JSON.stringify(untrusted.request), { timeout: 5_000 })).data).toString());

      expect(notJson).toEqual({ ok: false, code: 'INVALID_REQUEST', message: 'invalid TOTP request: the message is not JSON' });
      expect(wrongShape.code).toBe('INVALID_REQUEST');
      expect(notTrusted.code).toBe('WEB_SERVER_NOT_TRUSTED');
      expect(notTrusted.message).toContain('does not trust web server server9/renovations');
      expect(replayed.message).toContain('was already processed');
    });

    it('resets the TOTP items from the CLI', async () => {
      const cli = spawnSync(
        process.execPath,
        [join(__dirname, '..', 'bin', 'domsim.js'), 'totp', 'reset', 'totp user/mfatest1', '--nats', domain.natsUrl, '--domain', 'renovations', '--data', domain.root],
        { encoding: 'utf8' },
      );
      const onServer3 = await domain.command(SERVER3, 'sim totp reset "totp user/mfatest1"');

      expect(cli.status).toBe(0);
      expect(textOf(cli.stdout.trim().split('\n'))).toEqual([
        'TOTP items of totp user/mfatest1 reset in IBM_ID_VAULT\\renovationsvault.nsf: 1 device(s) and 10 scratch code(s) removed; the user enrolls again at the next web login',
      ]);
      expect(onServer3.code).toBe('VAULT_NOT_HOSTED');

      const { client, page } = await eventually(
        async () => {
          const attempt = await loginAt(SERVER3);
          expect(attempt.page.html).toContain('id="enroll-form"');
          return attempt;
        },
        { description: 'enrollment after the reset' },
      );
      secrets.push(secretOf(page));
      const oldToken = await client.post('/login/enroll', { deviceName: 'phone1', token: tokenAt(secret, 1) });
      const oldCode = await client.post('/login/enroll', { deviceName: 'phone1', token: scratchCodes[3] });

      expect(oldToken.status).toBe(401);
      expect(oldCode.status).toBe(401);
    });

    it('keeps secrets and scratch codes off NATS and out of the files', async () => {
      await spy.flush();
      const leakedOnNats = secrets.filter((value) => messages.some((message) => message.includes(value)));
      const passwordOnNats = messages.filter((message) => message.includes('totp-demo'));
      const leakedInFiles = filesUnder(domain.root).filter((file) => {
        const content = readFileSync(file);
        return secrets.some((value) => content.includes(value));
      });

      expect(secrets.length).toBeGreaterThan(20);
      expect(leakedOnNats).toEqual([]);
      expect(passwordOnNats).toEqual([]);
      expect(leakedInFiles).toEqual([]);
    });
  });
});
