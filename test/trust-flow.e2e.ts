import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

const SERVER1 = 'server1/renovations';
const SERVER2 = 'server2/renovations';
const SERVER3 = 'server3/renovations';
const TRUST_COMMAND = 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo';
const MFA_LINE = '/mfatest1 trusts /mfatest1 for MFA';

jest.setTimeout(60_000);

function textOf(lines: readonly string[]): string[] {
  return lines.map((line) => line.replace(/^\[\d{6}:\d{6}-[0-9A-F]{16}\] \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d {3}/, ''));
}

async function mfaCertificates(domain: StartedTestDomain, server: string) {
  const view = await domain.view(server, 'names.nsf', 'Certificates');
  return view.rows.filter((row) => row.values.Type === 'Multi-Factor Authentication Certificate');
}

describe('MFA trust flow across three server processes', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().start();
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it('has no MFA trust before the command', async () => {
    const reply = await domain.command(SERVER2, 'show idvault');

    expect(reply.ok).toBe(true);
    expect(textOf(reply.lines)).not.toContain(MFA_LINE);
    expect(await mfaCertificates(domain, SERVER3)).toHaveLength(0);
  });

  it('issues the certificate on server1', async () => {
    const reply = await domain.command(SERVER1, TRUST_COMMAND);

    expect(reply.ok).toBe(true);
    expect(textOf(reply.lines)).toEqual(['MFA Trust created successfully']);
    expect(reply.echo).toBe('> mfamgmt create trustcert "*/O=mfatest1" cert.id ********');
  });

  it('reaches server2, whose show idvault lists the trust', async () => {
    const lines = await eventually(
      async () => {
        const text = textOf((await domain.command(SERVER2, 'sh idv')).lines);
        expect(text).toContain(MFA_LINE);
        return text;
      },
      { description: 'the MFA trust line on server2' },
    );

    expect(lines[0]).toBe('ID Vault /renovationsvault (IBM_ID_VAULT\\renovationsvault.nsf)');
    expect(lines.indexOf('/renovations trusts this vault')).toBeLessThan(lines.indexOf(MFA_LINE));
    expect(lines.indexOf(MFA_LINE)).toBeLessThan(lines.indexOf('/renovations trusts server1/renovations to reset passwords'));
    expect(lines[lines.length - 1]).toBe('Setting renovationsvaultVaultSetting uses this vault');
  });

  it('reaches server3, whose Certificates view shows it', async () => {
    const rows = await eventually(
      async () => {
        const found = await mfaCertificates(domain, SERVER3);
        expect(found).toHaveLength(1);
        return found;
      },
      { description: 'the MFA certificate on server3' },
    );

    expect(rows[0].values).toMatchObject({ 'Issued By': '/mfatest1', 'Issued To': '/renovationsvault', Pattern: '*/O=mfatest1' });
    expect(rows[0].values.Expiration).toMatch(/^\d\d\/\d\d\/\d{4}$/);
  });

  it('keeps the certificate on server3 across a restart', async () => {
    const before = (await domain.health(SERVER3)).replicas;

    await domain.stopServer(SERVER3);
    await domain.startServer(SERVER3);

    expect(await mfaCertificates(domain, SERVER3)).toHaveLength(1);
    expect((await domain.health(SERVER3)).replicas).toEqual(before);
  });

  it('catches up server3 on what it missed while stopped', async () => {
    await domain.stopServer(SERVER3, 'SIGKILL');
    const reply = await domain.command(SERVER1, 'mfamgmt create trustcert "*/OU=sales/O=mfatest1" cert.id mfatest1-demo');
    expect(reply.ok).toBe(true);

    await domain.startServer(SERVER3);

    await eventually(async () => expect(await mfaCertificates(domain, SERVER3)).toHaveLength(2), { description: 'the second certificate on server3' });
  });

  it('refuses a wrong password and changes nothing', async () => {
    const before = await domain.health(SERVER1);

    const reply = await domain.command(SERVER1, 'mfamgmt create trustcert "*/OU=hr/O=mfatest1" cert.id not-the-password');

    expect(reply.ok).toBe(false);
    expect(reply.code).toBe('WRONG_PASSWORD');
    expect(textOf(reply.lines)).toEqual(['Wrong Password. (Passwords are case sensitive - be sure to use correct upper and lower case.)']);
    expect(reply.echo).not.toContain('not-the-password');
    expect((await domain.health(SERVER1)).replicas).toEqual(before.replicas);
  });

  it.each([
    ['missing file', 'mfamgmt create trustcert "*/O=mfatest1" missing.id mfatest1-demo', 'ID_FILE_NOT_FOUND', 'File missing.id was not found in the data directory'],
    ['pattern outside the certifier', 'mfamgmt create trustcert "*/O=renovations" cert.id mfatest1-demo', 'CERTIFIER_DOES_NOT_COVER', 'Certifier /mfatest1 cannot grant trust for */O=renovations'],
    ['certificate already present', TRUST_COMMAND, 'CERTIFICATE_EXISTS', 'A Multi-Factor Authentication Certificate for */O=mfatest1 already exists'],
    [
      'certificate present under another case',
      'mfamgmt create trustcert "*/o=MFATEST1" cert.id mfatest1-demo',
      'CERTIFICATE_EXISTS',
      'A Multi-Factor Authentication Certificate for */O=mfatest1 already exists',
    ],
  ])('refuses a %s', async (_case, command, code, message) => {
    const before = await domain.health(SERVER1);

    const reply = await domain.command(SERVER1, command);

    expect(reply.code).toBe(code);
    expect(textOf(reply.lines)[0]).toContain(message);
    expect((await domain.health(SERVER1)).replicas).toEqual(before.replicas);
  });

  it('refuses the command on a server without a vault', async () => {
    const reply = await domain.command(SERVER3, TRUST_COMMAND);

    expect(reply.code).toBe('NOT_A_VAULT_SERVER');
    expect(textOf(reply.lines)[0]).toBe(
      'This server does not host an ID vault. Run mfamgmt at the console of an ID vault server: server1/renovations, server2/renovations',
    );
  });

  it('keeps the vault database off server3', async () => {
    const health = await domain.health(SERVER3);

    expect(health.replicas.map((replica) => replica.path)).toEqual(['names.nsf']);
  });
});
