import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseVaultKeyFile } from '@domsim/mfa';
import { toCanonical } from '@domsim/names';
import { openCertifierId } from '@domsim/pki';
import {
  createDomain,
  DOMAIN_FILE,
  DomainDirectoryError,
  type DomainManifest,
  INITIAL_DOCUMENTS_FILE,
  type InitialDocuments,
  loadTopology,
  defaultTopologyPath,
  readDomainManifest,
  SERVER_SETUP_FILE,
  serverSetupSchema,
  type ServerSetup,
} from '@domsim/topology';

const NOW = new Date('2026-04-12T19:46:18.000Z');
const topology = loadTopology(defaultTopologyPath());

const modeOf = (path: string): number => statSync(path).mode & 0o777;

function readSetup(root: string, server: string): ServerSetup {
  return serverSetupSchema.parse(JSON.parse(readFileSync(join(root, 'servers', server, SERVER_SETUP_FILE), 'utf8')));
}

describe('createDomain', () => {
  let parent: string;
  let root: string;
  let manifest: DomainManifest;

  beforeAll(() => {
    parent = mkdtempSync(join(tmpdir(), 'domsim-create-domain-'));
    root = join(parent, 'domain');
    manifest = createDomain(topology, root, { topologySource: 'renovations.yaml', now: NOW });
  });

  afterAll(() => {
    rmSync(parent, { recursive: true, force: true });
  });

  it('writes domain.json', () => {
    const stored = readDomainManifest(root);

    expect(stored).toEqual(manifest);
    expect(manifest).toEqual({
      format: 1,
      domain: 'renovations',
      createdAt: '2026-04-12T19:46:18.000Z',
      topologySource: 'renovations.yaml',
      servers: [
        { name: 'CN=server1/O=renovations', dataDir: 'servers/server1', administrationServer: true },
        { name: 'CN=server2/O=renovations', dataDir: 'servers/server2', administrationServer: false },
        { name: 'CN=server3/O=renovations', dataDir: 'servers/server3', administrationServer: false },
      ],
      clusters: [{ name: 'renovations', servers: ['CN=server1/O=renovations', 'CN=server2/O=renovations', 'CN=server3/O=renovations'] }],
      connections: [{ source: 'CN=server3/O=renovations', destination: 'CN=server1/O=renovations', type: 'pull-push', intervalSeconds: 60 }],
      vaults: [{ name: 'O=renovationsvault', servers: ['CN=server1/O=renovations', 'CN=server2/O=renovations'] }],
    });
  });

  it('writes server.json per server', () => {
    const setups = ['server1', 'server2', 'server3'].map((server) => readSetup(root, server));

    expect(setups.map((setup) => setup.server)).toEqual(['CN=server1/O=renovations', 'CN=server2/O=renovations', 'CN=server3/O=renovations']);
    expect(setups.map((setup) => setup.replicas.map((replica) => replica.path))).toEqual([
      ['names.nsf', 'IBM_ID_VAULT\\renovationsvault.nsf'],
      ['names.nsf', 'IBM_ID_VAULT\\renovationsvault.nsf'],
      ['names.nsf'],
    ]);
    expect(new Set(setups.map((setup) => setup.replicas[0].replicaId)).size).toBe(1);
    expect(setups[0].replicas[1].replicaId).toBe(setups[1].replicas[1].replicaId);
    expect(setups[2].trustAnchors.map((anchor) => anchor.name)).toEqual(['O=renovations', 'O=mfatest1']);
  });

  it('writes initial documents on the first server only', () => {
    const initial = JSON.parse(readFileSync(join(root, 'servers', 'server1', INITIAL_DOCUMENTS_FILE), 'utf8')) as InitialDocuments;

    expect(initial.databases.map((database) => database.path)).toEqual(['names.nsf', 'IBM_ID_VAULT\\renovationsvault.nsf']);
    expect(() => statSync(join(root, 'servers', 'server2', INITIAL_DOCUMENTS_FILE))).toThrow('ENOENT');
    expect(() => statSync(join(root, 'servers', 'server3', INITIAL_DOCUMENTS_FILE))).toThrow('ENOENT');
  });

  it.each([
    ['cert.id', 'mfatest1-demo', 'O=mfatest1'],
    ['renovations-cert.id', 'renovations-demo', 'O=renovations'],
  ])('writes %s that opens with its password', (file, password, name) => {
    const certifier = openCertifierId(readFileSync(join(root, 'servers', 'server1', file)), password, file);

    expect(toCanonical(certifier.name)).toBe(name);
    expect(certifier.notBefore.toISOString()).toBe(NOW.toISOString());
    expect(certifier.notAfter.toISOString()).toBe('2036-04-12T19:46:18.000Z');
  });

  it('matches the trust anchors to the ID files', () => {
    const anchors = readSetup(root, 'server2').trustAnchors;

    const certifier = openCertifierId(readFileSync(join(root, 'servers', 'server1', 'cert.id')), 'mfatest1-demo', 'cert.id');

    expect(anchors.find((anchor) => anchor.name === 'O=mfatest1')?.certificatePem).toBe(certifier.certificatePem);
  });

  it('creates owner-only directories', () => {
    const directories = [root, join(root, 'servers'), ...['server1', 'server2', 'server3'].map((server) => join(root, 'servers', server))];

    expect(directories.map(modeOf)).toEqual(directories.map(() => 0o700));
  });

  it('writes owner-only files', () => {
    const files = [
      join(root, DOMAIN_FILE),
      join(root, 'servers', 'server1', 'cert.id'),
      join(root, 'servers', 'server1', 'renovations-cert.id'),
      join(root, 'servers', 'server1', INITIAL_DOCUMENTS_FILE),
      ...['server1', 'server2', 'server3'].map((server) => join(root, 'servers', server, SERVER_SETUP_FILE)),
    ];

    expect(files.map(modeOf)).toEqual(files.map(() => 0o600));
  });

  it('writes the vault key to the vault servers only', () => {
    const keyFiles = ['server1', 'server2'].map((server) => join(root, 'servers', server, 'IBM_ID_VAULT', 'renovationsvault.key'));

    expect(keyFiles.map(modeOf)).toEqual([0o600, 0o600]);
    expect(modeOf(join(root, 'servers', 'server1', 'IBM_ID_VAULT'))).toBe(0o700);
    expect(readFileSync(keyFiles[0], 'utf8')).toBe(readFileSync(keyFiles[1], 'utf8'));
    expect(parseVaultKeyFile(readFileSync(keyFiles[0], 'utf8')).vault).toBe('O=renovationsvault');
    expect(() => statSync(join(root, 'servers', 'server3', 'IBM_ID_VAULT'))).toThrow('ENOENT');
  });

  it('writes the TOTP configuration into the initial documents', () => {
    const initial = JSON.parse(readFileSync(join(root, 'servers', 'server1', INITIAL_DOCUMENTS_FILE), 'utf8')) as InitialDocuments;
    const [names, vault] = initial.databases;
    const key = parseVaultKeyFile(readFileSync(join(root, 'servers', 'server1', 'IBM_ID_VAULT', 'renovationsvault.key'), 'utf8'));

    const settings = names.documents.find((document) => document.form === 'ServerConfig');
    const vaultDocument = names.documents.find((document) => document.form === 'IDVault');
    const servers = names.documents.filter((document) => document.form === 'Server');
    const users = vault.documents.filter((document) => document.form === 'VaultUser');

    expect(settings?.items).toMatchObject({ ServerName: '*', TOTPEnabled: '1', TOTPScratchCodes: '1', TOTPMaxSecrets: '3', TOTPAlgorithm: 'SHA256' });
    expect(vaultDocument?.items.TrustedWebServers).toEqual(['CN=server1/O=renovations', 'CN=server2/O=renovations', 'CN=server3/O=renovations']);
    expect(vaultDocument?.items.TOTPTransportKey).toBe(key.transportPublicKeyPem);
    expect(servers.map((document) => document.items.HTTPNameAndPassword)).toEqual(['Yes with TOTP', 'Yes with TOTP', 'Yes with TOTP']);
    expect(users.map((document) => document.items.FullName)).toEqual(['CN=totp user/O=mfatest1']);
  });

  it('keeps the vault key out of the initial documents', () => {
    const key = JSON.parse(readFileSync(join(root, 'servers', 'server1', 'IBM_ID_VAULT', 'renovationsvault.key'), 'utf8')) as { masterKey: string };

    expect(readFileSync(join(root, 'servers', 'server1', INITIAL_DOCUMENTS_FILE), 'utf8')).not.toContain(key.masterKey);
  });
});

describe('createDomain on a used directory', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'domsim-used-domain-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('rejects a non-empty directory', () => {
    writeFileSync(join(directory, 'notes.txt'), 'keep me');

    expect(() => createDomain(topology, directory, { topologySource: 'renovations.yaml' })).toThrow(
      new DomainDirectoryError(directory, 'it is not empty (notes.txt); choose a new or empty directory'),
    );
    expect(readFileSync(join(directory, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('accepts empty volume mount points', () => {
    for (const server of ['server1', 'server2', 'server3']) mkdirSync(join(directory, 'servers', server), { recursive: true });

    const manifest = createDomain(topology, directory, { topologySource: 'renovations.yaml' });

    expect(manifest.servers).toHaveLength(3);
    expect(readSetup(directory, 'server3').server).toBe('CN=server3/O=renovations');
  });

  it('rejects a file inside a mount point', () => {
    mkdirSync(join(directory, 'servers', 'server2'), { recursive: true });
    writeFileSync(join(directory, 'servers', 'server2', 'eventlog.sqlite'), '');

    expect(() => createDomain(topology, directory, { topologySource: 'renovations.yaml' })).toThrow('it is not empty (servers)');
  });

  it('rejects a directory with a domain', () => {
    writeFileSync(join(directory, DOMAIN_FILE), '{}');

    expect(() => createDomain(topology, directory, { topologySource: 'renovations.yaml' })).toThrow(`cannot use ${directory} as a domain directory: it already holds a domain`);
  });

  it('accepts an empty directory', () => {
    const manifest = createDomain(topology, directory, { topologySource: 'renovations.yaml', now: NOW });

    expect(readDomainManifest(directory)).toEqual(manifest);
  });
});
