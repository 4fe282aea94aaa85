import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { connect, type NatsConnection } from 'nats';

import { createCertifierId } from '@domsim/pki';
import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import { textOf } from './support/console-text';

const SERVER1 = 'server1/renovations';
const SERVER2 = 'server2/renovations';
const SECRET = `pw-${Date.now().toString(36)}-7f3a9c`;

jest.setTimeout(120_000);

/** The default domain with a /mfatest1 password no other file or message contains. */
function topologyWithSecret(designVersion = 12): string {
  const text = readFileSync(join(__dirname, '..', 'libs', 'topology', 'domains', 'renovations.yaml'), 'utf8');
  return text.replace('password: mfatest1-demo', `password: ${SECRET}`).replace('designVersion: 12', `designVersion: ${designVersion}`);
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function httpConsole(domain: StartedTestDomain, server: string, body: unknown, credentials?: string): Promise<{ status: number; json: unknown }> {
  const address = (await domain.health(server)).http as string;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (credentials !== undefined) headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  const response = await fetch(`http://${address}/api/console`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

describe('console secrets', () => {
  let domain: StartedTestDomain;
  let spy: NatsConnection;
  const messages: string[] = [];

  beforeAll(async () => {
    domain = await new TestDomainBuilder().withTopologyText(topologyWithSecret()).start();
    spy = await connect({ servers: domain.natsUrl });
    spy.subscribe('>', { callback: (_error, msg) => messages.push(Buffer.from(msg.data).toString('latin1')) });
    await spy.flush();
  });

  afterAll(async () => {
    await spy?.drain();
    await domain?.stop();
  });

  it('never shows the password anywhere after the trust flow', async () => {
    const cli = spawnSync(
      process.execPath,
      [join(__dirname, '..', 'bin', 'domsim.js'), 'exec', SERVER2, 'show idvault', '--nats', domain.natsUrl, '--domain', 'renovations', '--data', domain.root],
      { encoding: 'utf8' },
    );
    const wrong = await domain.command(SERVER1, `mfamgmt create trustcert "*/O=mfatest1" cert.id ${SECRET}x`);
    const typo = await domain.command(SERVER1, `mfamgmt create trustcrt "*/O=mfatest1" cert.id ${SECRET}`);
    const reply = await domain.command(SERVER1, `mfamgmt create trustcert "*/O=mfatest1" cert.id ${SECRET}`);
    const http = await httpConsole(domain, SERVER1, { command: `mfamgmt create trustcert "*/OU=hr/O=mfatest1" cert.id ${SECRET}` }, 'renovations admin/renovations:admin-demo');
    await eventually(async () => expect(textOf((await domain.command(SERVER2, 'show idvault')).lines)).toContain('/mfatest1 trusts /hr/mfatest1 for MFA'));
    await spy.flush();

    expect(cli.status).toBe(0);
    expect(wrong.code).toBe('WRONG_PASSWORD');
    expect(typo.ok).toBe(false);
    expect(reply.ok).toBe(true);
    expect(http.status).toBe(200);
    expect(messages.length).toBeGreaterThan(10);
    expect(messages.filter((message) => message.includes(SECRET))).toEqual([]);
    const leaking = filesUnder(domain.root).filter((file) => readFileSync(file).includes(SECRET));
    expect(leaking).toEqual([]);
    expect(JSON.stringify([wrong, typo, reply, http.json, cli.stdout, cli.stderr])).not.toContain(SECRET);
  });
});

describe('console over NATS, HTTP and exec', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().start();
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it('gives the same lines and status on all three', async () => {
    const command = 'show idvault';
    const nats = await domain.command(SERVER1, command);
    const http = (await httpConsole(domain, SERVER1, { command }, 'admin@renovations.example:admin-demo')).json as typeof nats;
    const cli = spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'domsim.js'), 'exec', SERVER1, command, '--nats', domain.natsUrl, '--domain', 'renovations', '--json'], {
      encoding: 'utf8',
    });
    const exec = JSON.parse(cli.stdout) as typeof nats;

    expect(textOf(http.lines)).toEqual(textOf(nats.lines));
    expect(textOf(exec.lines)).toEqual(textOf(nats.lines));
    expect([nats.ok, http.ok, exec.ok, cli.status]).toEqual([true, true, true, 0]);
  });

  it('reports a failed command the same way on all three', async () => {
    const command = 'show bogus';
    const nats = await domain.command(SERVER1, command);
    const http = (await httpConsole(domain, SERVER1, { command }, 'admin@renovations.example:admin-demo')).json as typeof nats;
    const cli = spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'domsim.js'), 'exec', SERVER1, command, '--nats', domain.natsUrl, '--domain', 'renovations'], {
      encoding: 'utf8',
    });

    expect([nats.ok, http.ok, cli.status]).toEqual([false, false, 1]);
    expect([nats.code, http.code]).toEqual(['UNKNOWN_COMMAND', 'UNKNOWN_COMMAND']);
    expect(textOf(http.lines)).toEqual(textOf(nats.lines));
    expect(cli.stderr).toContain('Unknown command: show bogus; after show type one of: idvault, schedule, server, stat, tasks');
  });

  it.each([
    ['no credentials', undefined, 401],
    ['a wrong password', 'renovations admin/renovations:nope', 401],
    ['an unknown person', 'nobody/renovations:admin-demo', 401],
    ['a person who is not an administrator', 'web user/renovations:web-demo', 403],
  ])('HTTP console refuses %s', async (_case, credentials, status) => {
    const reply = await httpConsole(domain, SERVER1, { command: 'show server' }, credentials);

    expect(reply.status).toBe(status);
  });

  it('HTTP console rejects a malformed request', async () => {
    const reply = await httpConsole(domain, SERVER1, { cmd: 'show server' }, 'renovations admin/renovations:admin-demo');

    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.json)).toContain('send {\\"command\\": \\"show server\\"}');
  });

  it('show stat lists replication statistics', async () => {
    const reply = await domain.command(SERVER2, 'show stat Replica.Cluster.*');

    const text = textOf(reply.lines);
    expect(text).toContain('Replica.Cluster.Retry.Waiting = 0');
    expect(text.some((line) => /^Replica\.Cluster\.SecondsOnQueue = \d+(\.\d{3})?$/.test(line))).toBe(true);
    expect(text.every((line) => line.startsWith('Replica.Cluster.'))).toBe(true);
  });

  it('show stat names a statistic it does not know', async () => {
    const reply = await domain.command(SERVER2, 'show stat Nothing.Here');

    expect(reply.code).toBe('UNKNOWN_STATISTIC');
  });

  it('sim totp reset gives a user name example', async () => {
    const reply = await domain.command(SERVER1, 'sim totp reset nobody');

    expect(reply.code).toBe('NOT_IN_VAULT');
    expect(textOf(reply.lines)).toEqual([
      '"nobody" is not a valid user name (a user name needs a common name and an organization); give the full name, e.g. "totp user/mfatest1"',
    ]);
  });

  it('help marks simulator-only commands', async () => {
    const text = textOf((await domain.command(SERVER2, 'help')).lines);

    expect(text.find((line) => line.startsWith('sim show replicas'))).toContain('[simulator only]');
    expect(text.find((line) => line.startsWith('show idvault'))).not.toContain('[simulator only]');
  });

  it('show server includes the task lines', async () => {
    const text = textOf((await domain.command(SERVER1, 'sh server')).lines);

    expect(text[0]).toMatch(/^HCL Domino \(r\) Server/);
    expect(text).toContain('Server name:            server1/renovations - Administration server and ID vault server');
    expect(text.some((line) => /^Elapsed time: +\d\d:\d\d:\d\d$/.test(line))).toBe(true);
    expect(text.some((line) => line.startsWith('Replicator'))).toBe(true);
  });
});

describe('mfamgmt create trustcert failures', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().start();
    const dataDir = domain.dataDirOf(SERVER1);
    writeFileSync(join(dataDir, 'junk.id'), 'this is not an ID file');
    const expired = createCertifierId({ name: { units: [], organization: 'mfatest1' }, password: 'old-demo', validFrom: new Date(Date.UTC(2010, 0, 1)), validityYears: 2, keyBits: 1024 });
    writeFileSync(join(dataDir, 'expired.id'), expired.idFile);
    const stranger = createCertifierId({ name: { units: [], organization: 'elsewhere' }, password: 'x-demo', keyBits: 1024 });
    writeFileSync(join(dataDir, 'stranger.id'), stranger.idFile);
    execFileSync('mkfifo', [join(dataDir, 'pipe.id')]);
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it.each([
    ['missing arguments', 'mfamgmt create trustcert "*/O=mfatest1"', 'MISSING_ARGUMENT', 'Missing argument <certifier ID file>. Syntax: mfamgmt create trustcert <OU or O to allow> <certifier ID file> <certifier password>'],
    ['malformed pattern', 'mfamgmt create trustcert "*/mfatest1" cert.id mfatest1-demo', 'INVALID_PATTERN', 'Invalid trust pattern "*/mfatest1": write the pattern in canonical form'],
    ['pattern without wildcard', 'mfamgmt create trustcert O=mfatest1 cert.id mfatest1-demo', 'INVALID_PATTERN', 'a trust pattern starts with "*/"'],
    [
      'pattern with a trailing slash',
      'mfamgmt create trustcert "*/O=mfatest1/" cert.id mfatest1-demo',
      'INVALID_PATTERN',
      'Invalid trust pattern "*/O=mfatest1/": the pattern ends with "/", which leaves an empty component; remove the trailing "/", e.g. */O=mfatest1',
    ],
    [
      'wildcard inside a component',
      'mfamgmt create trustcert "*/O=mfa*" cert.id mfatest1-demo',
      'INVALID_PATTERN',
      'Invalid trust pattern "*/O=mfa*": component "O=mfa*" contains "*"; a wildcard may only be the whole first component (*), e.g. */O=mfatest1',
    ],
    [
      'empty ID file name',
      'mfamgmt create trustcert "*/O=mfatest1" "" mfatest1-demo',
      'ID_FILE_NOT_FOUND',
      'The ID file name is empty; give the name of the certifier ID file relative to the data directory',
    ],
    ['FIFO instead of a file', 'mfamgmt create trustcert "*/OU=x/O=mfatest1" pipe.id mfatest1-demo', 'NOT_AN_ID_FILE', 'pipe.id is not a file; give the name of a certifier ID file'],
    ['path outside the data directory', 'mfamgmt create trustcert "*/O=mfatest1" ../cert.id mfatest1-demo', 'ID_FILE_OUTSIDE_DATA_DIRECTORY', 'File ../cert.id is outside the data directory'],
    ['absolute path', 'mfamgmt create trustcert "*/O=mfatest1" /etc/passwd mfatest1-demo', 'ID_FILE_OUTSIDE_DATA_DIRECTORY', 'File /etc/passwd is outside the data directory'],
    ['not an ID file', 'mfamgmt create trustcert "*/O=mfatest1" junk.id mfatest1-demo', 'NOT_AN_ID_FILE', 'File junk.id is not a valid certifier ID file'],
    ['directory instead of a file', 'mfamgmt create trustcert "*/O=mfatest1" IBM_TECHNICAL_SUPPORT mfatest1-demo', 'NOT_AN_ID_FILE', 'IBM_TECHNICAL_SUPPORT is not a file'],
    ['expired certifier', 'mfamgmt create trustcert "*/O=mfatest1" expired.id old-demo', 'CERTIFIER_EXPIRED', 'Certifier /mfatest1 in expired.id expired on 01/01/2012'],
    ['certifier of another domain', 'mfamgmt create trustcert "*/O=elsewhere" stranger.id x-demo', 'CERTIFIER_NOT_IN_DIRECTORY', 'Certifier /elsewhere in stranger.id is not a certifier of this domain'],
    ['unit pattern outside the certifier', 'mfamgmt create trustcert "*/OU=x/O=renovations" cert.id mfatest1-demo', 'CERTIFIER_DOES_NOT_COVER', 'Certifier /mfatest1 cannot grant trust for */OU=x/O=renovations'],
  ])('refuses %s', async (_case, command, code, message) => {
    const before = await domain.health(SERVER1);

    const reply = await domain.command(SERVER1, command);

    expect(reply.ok).toBe(false);
    expect(reply.code).toBe(code);
    expect(textOf(reply.lines).join('\n')).toContain(message);
    expect((await domain.health(SERVER1)).replicas).toEqual(before.replicas);
  });
});

describe('mfamgmt on an old vault design', () => {
  it('refuses a vault database older than Domino 12', async () => {
    const domain = await new TestDomainBuilder().withTopologyText(topologyWithSecret(11)).start();
    try {
      const reply = await domain.command(SERVER1, `mfamgmt create trustcert "*/O=mfatest1" cert.id ${SECRET}`);

      expect(reply.code).toBe('VAULT_DESIGN_TOO_OLD');
      expect(textOf(reply.lines)[0]).toBe(
        'The ID vault database IBM_ID_VAULT\\renovationsvault.nsf has the design of idvault.ntf 11; upgrade it to the Domino 12 idvault.ntf design first',
      );
    } finally {
      await domain.stop();
    }
  });
});

describe('mfamgmt on two vault servers at once', () => {
  it('ends with one effective trust line', async () => {
    const domain = await new TestDomainBuilder().start();
    try {
      copyFileSync(join(domain.dataDirOf(SERVER1), 'cert.id'), join(domain.dataDirOf(SERVER2), 'cert.id'));
      const command = 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo';

      const replies = await Promise.all([domain.command(SERVER1, command), domain.command(SERVER2, command)]);

      expect(replies.filter((reply) => reply.ok).length).toBeGreaterThanOrEqual(1);
      for (const server of [SERVER1, SERVER2]) {
        await eventually(async () => {
          const [first, second] = await Promise.all([domain.health(SERVER1), domain.health(SERVER2)]);
          expect(first.replicas[0].digest).toBe(second.replicas[0].digest);
        });
        const text = textOf((await domain.command(server, 'show idvault')).lines);
        expect(text.filter((line) => line === '/mfatest1 trusts /mfatest1 for MFA')).toHaveLength(1);
      }
      const rows = (await domain.view('server3/renovations', 'names.nsf', 'Certificates')).rows.filter((row) => row.values.Type === 'Multi-Factor Authentication Certificate');
      expect(rows.filter((row) => !row.conflict)).toHaveLength(1);
    } finally {
      await domain.stop();
    }
  });
});
