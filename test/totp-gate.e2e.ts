import { copyFileSync } from 'node:fs';
import { join } from 'node:path';

import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import { messageOf, WebClient } from './support/web-client';

const SERVER1 = 'server1/renovations';
const SERVER2 = 'server2/renovations';
const SERVER3 = 'server3/renovations';
const TOTP_USER = { username: 'totp user/mfatest1', password: 'totp-demo' };

jest.setTimeout(90_000);

/**
 * The MFA gate is decided by the vault server that handles a login, with its own replica of
 * names.nsf: a partition keeps the certificate, issued on server2, from server1, which
 * server3 asks first.
 */
describe('MFA gate on the vault server that handles the login', () => {
  let domain: StartedTestDomain;
  const web = new Map<string, string>();
  const login = (server: string) => new WebClient(`http://${web.get(server)}`).post('/login', TOTP_USER);

  beforeAll(async () => {
    domain = await new TestDomainBuilder().withEnvironment({ DOMSIM_HEARTBEAT_MS: '200' }).start();
    for (const server of [SERVER1, SERVER2, SERVER3]) web.set(server, (await domain.health(server)).http as string);
    copyFileSync(join(domain.dataDirOf(SERVER1), 'cert.id'), join(domain.dataDirOf(SERVER2), 'cert.id'));
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it('refuses TOTP through a vault server the certificate has not reached', async () => {
    await domain.setLinkFault(SERVER2, SERVER1, 'partition');
    const reply = await domain.command(SERVER2, 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo');
    expect(reply.ok).toBe(true);
    await eventually(async () => expect((await domain.view(SERVER3, 'names.nsf', 'Certificates')).rows.some((row) => row.values.Pattern === '*/O=mfatest1')).toBe(true));

    const viaServer3 = await login(SERVER3);
    const atServer2 = await login(SERVER2);

    expect(viaServer3.status).toBe(403);
    expect(messageOf(viaServer3)).toContain('ID vault server server1/renovations holds no Multi-Factor Authentication Certificate for it');
    expect(atServer2.status).toBe(200);
    expect(atServer2.html).toContain('otpauth://');
  });

  it('allows TOTP through server3 once the certificate reaches server1', async () => {
    await domain.heal();

    const page = await eventually(
      async () => {
        const attempt = await login(SERVER3);
        expect(attempt.status).toBe(200);
        return attempt;
      },
      { description: 'enrollment through server3 after the partition heals' },
    );

    expect(page.html).toContain('otpauth://');
  });
});
