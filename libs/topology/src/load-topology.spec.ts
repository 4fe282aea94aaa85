import { readFileSync } from 'node:fs';

import { defaultTopologyPath, InvalidTopologyError, loadTopology, parseTopology, type TopologyProblem } from '@domsim/topology';

const FILE = 'renovations.yaml';
const SHIPPED = readFileSync(defaultTopologyPath(), 'utf8');
const PEOPLE = parseTopology(SHIPPED, FILE).people.length;

function edited(from: string, to: string): string {
  if (!SHIPPED.includes(from)) throw new Error(`the shipped topology no longer contains ${JSON.stringify(from)}`);
  return SHIPPED.replace(from, to);
}

function problemsOf(text: string): readonly TopologyProblem[] {
  try {
    parseTopology(text, FILE);
  } catch (error) {
    if (error instanceof InvalidTopologyError) return error.problems;
    throw error;
  }
  throw new Error('parseTopology accepted the topology');
}

describe('parseTopology', () => {
  it('reads the shipped domain', () => {
    const topology = parseTopology(SHIPPED, FILE);

    expect(topology.domain).toBe('renovations');
    expect(topology.servers.map((server) => server.name)).toEqual(['CN=server1/O=renovations', 'CN=server2/O=renovations', 'CN=server3/O=renovations']);
    expect(topology.organizations.map((organization) => organization.name)).toEqual(['O=renovations', 'O=mfatest1']);
    expect(topology.vaults).toHaveLength(1);
    expect(topology.vaults[0].servers).toEqual(['CN=server1/O=renovations', 'CN=server2/O=renovations']);
  });

  it('reads the TOTP settings', () => {
    const topology = parseTopology(SHIPPED, FILE);

    expect(topology.totp).toEqual({ enabled: true, scratchCodes: true, maxSecretsPerUser: 3, algorithm: 'SHA256', digits: 6, stepSeconds: 30, skewSteps: 1 });
    expect(topology.servers.map((server) => server.http.nameAndPassword)).toEqual(['Yes with TOTP', 'Yes with TOTP', 'Yes with TOTP']);
    expect(topology.vaults[0].trustedWebServers).toEqual(['CN=server1/O=renovations', 'CN=server2/O=renovations', 'CN=server3/O=renovations']);
    expect(topology.vaults[0].users).toEqual(['CN=totp user/O=mfatest1']);
  });

  it('defaults TOTP to off and trusts the TOTP web servers', () => {
    const text = SHIPPED.replace(/\n# The TOTP fields[\s\S]*?skewSteps: 1[^\n]*\n/, '\n')
      .replace('    trustedWebServers: [server1/renovations, server2/renovations, server3/renovations]\n', '')
      .replace('    http: { nameAndPassword: yes-with-totp }\n  - name: server2', '  - name: server2');

    const topology = parseTopology(text, FILE);

    expect(topology.totp.enabled).toBe(false);
    expect(topology.servers[0].http.nameAndPassword).toBe('Yes');
    expect(topology.vaults[0].trustedWebServers).toEqual(['CN=server2/O=renovations', 'CN=server3/O=renovations']);
  });

  it('fills in defaults', () => {
    const topology = parseTopology(SHIPPED, FILE);

    expect(topology.servers.map((server) => server.dataDir)).toEqual(['servers/server1', 'servers/server2', 'servers/server3']);
    expect(topology.servers.filter((server) => server.administrationServer).map((server) => server.name)).toEqual(['CN=server1/O=renovations']);
    expect(topology.vaults[0]).toMatchObject({
      name: 'O=renovationsvault',
      database: 'IBM_ID_VAULT\\renovationsvault.nsf',
      administrationServers: ['CN=server1/O=renovations'],
      designVersion: 12,
    });
    expect(topology.organizations[1].certifier).toEqual({ server: 'CN=server1/O=renovations', idFile: 'cert.id', password: 'mfatest1-demo' });
  });

  it.each<[string, string, TopologyProblem[]]>([
    [
      'a YAML syntax error',
      edited('domain: renovations', 'domain: [renovations'),
      [{ field: '(syntax)', reason: expect.stringContaining('Flow sequence in block collection must be sufficiently indented and end with a ]') }],
    ],
    ['a repeated key', edited('domain: renovations', 'domain: renovations\ndomain: other'), [{ field: '(syntax)', reason: expect.stringContaining('Map keys must be unique') }]],
    ['an unknown top-level key', edited('domain: renovations', 'domain: renovations\ncolour: blue'), [{ field: '(top level)', reason: 'Unrecognized key: "colour"' }]],
    [
      'an unknown server key',
      edited('    title: Application server', '    title: Application server\n    colour: blue'),
      [{ field: 'servers[2]', reason: 'Unrecognized key: "colour"' }],
    ],
    [
      'a non-hierarchical server name',
      edited('  - name: server3/renovations', '  - name: server3'),
      [{ field: 'servers[2].name', reason: 'a hierarchical name needs at least a common name and an organization, e.g. server1/renovations' }],
    ],
    [
      'a certifier name for a server',
      edited('  - name: server3/renovations', '  - name: /renovations'),
      [{ field: 'servers[2].name', reason: '"/renovations" is a certifier name; give a server or person name such as server1/renovations' }],
    ],
    [
      'two administration servers',
      edited('    title: ID vault server', '    title: ID vault server\n    administrationServer: true'),
      [{ field: 'servers', reason: 'exactly one server must have administrationServer: true, found 2; it creates the directory' }],
    ],
    [
      'a vault server not in servers',
      edited('servers: [server1/renovations, server2/renovations]', 'servers: [server1/renovations, server9/renovations]'),
      [{ field: 'vaults[0].servers[1]', reason: 'server CN=server9/O=renovations is not in servers' }],
    ],
    [
      'a certifier ID file with a slash',
      edited('idFile: cert.id', 'idFile: ids/cert.id'),
      [{ field: 'organizations[1].certifier.idFile', reason: 'must be a plain file name such as cert.id, without directories' }],
    ],
    [
      'a duplicate server',
      edited('  - name: server3/renovations', '  - name: server2/renovations'),
      [
        { field: 'servers[2].name', reason: 'server CN=server2/O=renovations is listed twice' },
        { field: 'servers[2].dataDir', reason: 'data directory servers/server2 is used by another server; set dataDir' },
        { field: 'clusters[0].servers[2]', reason: 'server CN=server3/O=renovations is not in servers' },
        { field: 'connections[0].source', reason: 'server CN=server3/O=renovations is not in servers' },
        { field: 'vaults[0].trustedWebServers[2]', reason: 'server CN=server3/O=renovations is not in servers' },
      ],
    ],
    [
      'a person listed twice',
      edited('  - name: web user/renovations ', '  - name: totp user/mfatest1\n    internetAddress: other@mfatest1.example\n  - name: web user/renovations '),
      [{ field: 'people[2].name', reason: 'CN=totp user/O=mfatest1 is already people[1]; a name may appear once' }],
    ],
    [
      'two people with one Internet address',
      edited('internetAddress: web.user@renovations.example', 'internetAddress: Totp.User@mfatest1.example'),
      [{ field: 'people[2].internetAddress', reason: 'Totp.User@mfatest1.example is already the Internet address of people[1]; Internet addresses must be unique' }],
    ],
    [
      'a vault listed twice',
      edited(
        '# The TOTP fields',
        '  - name: /renovationsvault\n    servers: [server3/renovations]\n    administrationServers: [server3/renovations]\n    administrators: [renovations admin/renovations]\n\n# The TOTP fields',
      ),
      [{ field: 'vaults[1].name', reason: 'vault O=renovationsvault is already vaults[0]; give each vault its own name' }],
    ],
    [
      'a user in two vaults',
      edited(
        '# The TOTP fields',
        '  - name: /othervault\n    servers: [server3/renovations]\n    administrationServers: [server3/renovations]\n    administrators: [renovations admin/renovations]\n    users: [totp user/mfatest1]\n\n# The TOTP fields',
      ),
      [{ field: 'vaults[1].users[0]', reason: "CN=totp user/O=mfatest1 is already a user of vaults[0]; a user's ID is in one vault" }],
    ],
    [
      'a connection listed twice',
      edited('    interval: 60s', '    interval: 60s\n  - source: server3/renovations\n    destination: server1/renovations\n    type: pull-push\n    interval: 60s'),
      [{ field: 'connections[1]', reason: 'repeats connections[0] (same servers, type, schedule and databases); remove one or change its schedule' }],
    ],
    [
      'a server in two clusters',
      edited('connections:', '  - name: second\n    servers: [server1/renovations, server2/renovations]\n\nconnections:'),
      [
        { field: 'clusters[1].servers[0]', reason: 'CN=server1/O=renovations is already in cluster renovations; a server belongs to one cluster' },
        { field: 'clusters[1].servers[1]', reason: 'CN=server2/O=renovations is already in cluster renovations; a server belongs to one cluster' },
      ],
    ],
    [
      'a connection with a bad interval',
      edited('interval: 60s', 'interval: soon'),
      [{ field: 'connections[0].interval', reason: 'invalid repeat interval "soon": write a number with s, m, h or d, e.g. 60s or 30m' }],
    ],
    [
      'a connection with a bad type',
      edited('type: pull-push', 'type: sideways'),
      [{ field: 'connections[0].type', reason: 'invalid replication type "sideways": use one of pull-push, pull-pull, push-only, pull-only' }],
    ],
    [
      'a connection to itself',
      edited('destination: server1/renovations', 'destination: server3/renovations'),
      [{ field: 'connections[0].destination', reason: 'a server cannot replicate with itself' }],
    ],
    [
      'an unknown Name & password value',
      edited('    http: { nameAndPassword: yes-with-totp }   #', '    http: { nameAndPassword: totp }   #'),
      [{ field: 'servers[2].http.nameAndPassword', reason: 'must be no, yes or yes-with-totp' }],
    ],
    [
      'a trusted web server not in servers',
      edited('trustedWebServers: [server1/renovations,', 'trustedWebServers: [server7/renovations,'),
      [{ field: 'vaults[0].trustedWebServers[0]', reason: 'server CN=server7/O=renovations is not in servers' }],
    ],
    ['a vault user not in people', edited('users: [totp user/mfatest1]', 'users: [nobody/mfatest1]'), [{ field: 'vaults[0].users[0]', reason: 'CN=nobody/O=mfatest1 is not in people' }]],
    ['four secrets per user', edited('maxSecretsPerUser: 3', 'maxSecretsPerUser: 4'), [{ field: 'totp.maxSecretsPerUser', reason: 'Too big: expected number to be <=3' }]],
    ['an unknown TOTP algorithm', edited('algorithm: SHA256', 'algorithm: MD5'), [{ field: 'totp.algorithm', reason: 'must be SHA256 or SHA1' }]],
    [
      'a person under an unknown organization',
      edited('\nvaults:', '  - name: jane doe/acme\n\nvaults:'),
      [{ field: `people[${PEOPLE}].name`, reason: 'CN=jane doe/O=acme is not under any organization in organizations' }],
    ],
    [
      'an old vault design',
      edited('designVersion: 12', 'designVersion: 7'),
      [{ field: 'vaults[0].designVersion', reason: 'must be a Domino release such as 12' }],
    ],
    [
      'an unknown trusted certifier',
      edited('      - certifier: /renovations', '      - certifier: /acme'),
      [{ field: 'vaults[0].trust[0].certifier', reason: 'certifier O=acme is not in organizations' }],
    ],
  ])('rejects %s', (_label, text, problems) => {
    expect(problemsOf(text)).toEqual(problems);
  });

  it('names the file, field and reason in the message', () => {
    let caught: unknown;

    try {
      parseTopology(edited('idFile: cert.id', 'idFile: ../cert.id'), 'domains/broken.yaml');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(InvalidTopologyError);
    expect((caught as InvalidTopologyError).code).toBe('INVALID_TOPOLOGY');
    expect((caught as InvalidTopologyError).message).toBe(
      'invalid topology file domains/broken.yaml:\n  domains/broken.yaml: organizations[1].certifier.idFile: must be a plain file name such as cert.id, without directories',
    );
  });
});

describe('loadTopology', () => {
  it('reads the shipped file', () => {
    const topology = loadTopology(defaultTopologyPath());

    expect(topology.servers).toHaveLength(3);
  });

  it('reports a missing file', () => {
    expect(() => loadTopology('/nonexistent/domsim/topology.yaml')).toThrow(
      'invalid topology file /nonexistent/domsim/topology.yaml:\n  /nonexistent/domsim/topology.yaml: (file): the file does not exist',
    );
  });
});
