import { NAMES_NSF, type ReplicaInfo, ReplicaState, type Revision } from '@domsim/directory';
import { type IdFileSource, NO_VAULT_MESSAGE, planMfaTrust, showIdVaultLines, type ShowIdVaultInput, TrustAnchors } from '@domsim/id-vault';
import { nameKey, parseName } from '@domsim/names';
import { createCertifierId } from '@domsim/pki';
import { buildNamesDocuments, buildVaultDocuments, defaultTopologyPath, type InitialDocument, loadTopology } from '@domsim/topology';

const ISSUED = new Date('2026-01-15T10:00:00.000Z');
const NOW = new Date('2026-05-01T12:00:00.000Z');
const SERVER1 = 'CN=server1/O=renovations';
const SERVER2 = 'CN=server2/O=renovations';
const NAMES_INFO: ReplicaInfo = { replicaId: '852564AC:044EBCCF', path: NAMES_NSF, title: "renovations's Directory" };
const VAULT_INFO: ReplicaInfo = { replicaId: '0A1B2C3D:4E5F6071', path: 'IBM_ID_VAULT\\renovationsvault.nsf', title: 'renovationsvault' };
const MFA_LINE = '/mfatest1 trusts /mfatest1 for MFA';

const topology = loadTopology(defaultTopologyPath());
const certifiers = topology.organizations.map((organization) => ({
  name: organization.name,
  idFileName: organization.certifier.idFile,
  password: organization.certifier.password,
  ...createCertifierId({ name: parseName(organization.name), password: organization.certifier.password, validFrom: ISSUED, keyBits: 1024 }),
}));
const anchors = new TrustAnchors(certifiers.map(({ name, certificatePem }) => ({ name, certificatePem })));
const namesDocuments = buildNamesDocuments(topology, certifiers, ISSUED);
const vault = topology.vaults[0];
const vaultDocuments = buildVaultDocuments(vault, new Map(vault.servers.map((server) => [nameKey(server), `VO-abcd-efgh/${parseName(server).common}/renovationsvault`])));
const dataDirectory: IdFileSource = {
  read: (name) => {
    const certifier = certifiers.find((candidate) => candidate.idFileName === name);
    if (certifier === undefined) throw new Error(`no ID file ${name}`);
    return certifier.idFile;
  },
};

function replicaOf(info: ReplicaInfo, documents: readonly InitialDocument[]): ReplicaState {
  const state = new ReplicaState(info);
  documents.forEach((document, index) => state.add(revisionOf(info, document, index + 1)));
  return state;
}

function revisionOf(info: ReplicaInfo, document: InitialDocument, counter: number): Revision {
  return {
    replicaId: info.replicaId,
    unid: document.unid,
    originator: SERVER1,
    counter,
    seq: 1,
    seqTime: ISSUED.getTime(),
    parent: null,
    deleted: false,
    form: document.form,
    items: document.items,
  };
}

/** Plans MFA trust for the pattern of O=mfatest1 with cert.id and adds the certificate to names.nsf, as the console command does. */
function addMfaTrust(names: ReplicaState, vaults: readonly ReplicaState[]): void {
  const plan = planMfaTrust(
    { server: SERVER1, pattern: '*/O=mfatest1', idFile: 'cert.id', password: 'mfatest1-demo', names, vaults, anchors, now: NOW },
    dataDirectory,
  );
  if (plan.change.kind !== 'create') throw new Error(`expected a create, got ${plan.change.kind}`);
  names.add(revisionOf(NAMES_INFO, { unid: plan.change.unid ?? '', form: plan.change.form, items: plan.change.items }, namesDocuments.length + 1));
}

describe('showIdVaultLines', () => {
  let input: ShowIdVaultInput;

  beforeEach(() => {
    input = { server: SERVER1, names: replicaOf(NAMES_INFO, namesDocuments), vaults: [replicaOf(VAULT_INFO, vaultDocuments)], now: NOW };
  });

  it('lists the vault in Domino order', () => {
    const lines = showIdVaultLines(input);

    expect(lines).toEqual([
      'ID Vault /renovationsvault (IBM_ID_VAULT\\renovationsvault.nsf)',
      'Control Vault Name: /renovationsvault',
      'Control Vault Servers: server1/renovations',
      'Control Vault Servers: server2/renovations',
      'Vault Operations Key: VO-abcd-efgh/server1/renovationsvault',
      'Servers: server1/renovations',
      'Servers: server2/renovations',
      'Vault Name: /renovationsvault',
      'Description: renovationsvault',
      'Administrators: renovations admin/renovations',
      'Servers: server1/renovations',
      'Servers: server2/renovations',
      'Administration Server: server1/renovations',
      '/renovations trusts this vault',
      '/renovations trusts renovations admin/renovations to reset passwords',
      '/renovations trusts server1/renovations to reset passwords',
      '/renovations trusts server2/renovations to reset passwords',
      'Setting renovationsvaultVaultSetting uses this vault',
    ]);
  });

  it('shows MFA trust only once the certificate exists', () => {
    const before = showIdVaultLines(input);

    addMfaTrust(input.names, input.vaults);
    const after = showIdVaultLines(input);

    expect(before).not.toContain(MFA_LINE);
    expect(after).toContain(MFA_LINE);
    expect(after.filter((line) => !before.includes(line))).toEqual([MFA_LINE]);
  });

  it('lists MFA trust between vault trust and password reset', () => {
    addMfaTrust(input.names, input.vaults);

    const lines = showIdVaultLines(input);

    const position = lines.indexOf(MFA_LINE);
    expect(lines[position - 1]).toBe('/renovations trusts this vault');
    expect(lines[position + 1]).toBe('/renovations trusts renovations admin/renovations to reset passwords');
  });

  it('drops expired certificates', () => {
    addMfaTrust(input.names, input.vaults);

    const lines = showIdVaultLines({ ...input, now: new Date('2036-06-01T00:00:00.000Z') });

    expect(lines).not.toContain(MFA_LINE);
    expect(lines).not.toContain('/renovations trusts this vault');
  });

  it("shows the server's own operations key", () => {
    const lines = showIdVaultLines({ ...input, server: SERVER2 });

    expect(lines).toContain('Vault Operations Key: VO-abcd-efgh/server2/renovationsvault');
    expect(lines).not.toContain('Vault Operations Key: VO-abcd-efgh/server1/renovationsvault');
  });

  it('reports a server without a vault', () => {
    expect(showIdVaultLines({ ...input, vaults: [] })).toEqual([NO_VAULT_MESSAGE]);
  });

  it('reports a vault database not replicated yet', () => {
    const lines = showIdVaultLines({ ...input, vaults: [new ReplicaState(VAULT_INFO)] });

    expect(lines.slice(0, 3)).toEqual([
      'ID Vault /renovationsvault (IBM_ID_VAULT\\renovationsvault.nsf)',
      'The vault database has not replicated to this server yet',
      'Vault Name: /renovationsvault',
    ]);
  });

  it('reports a vault document not replicated yet', () => {
    const lines = showIdVaultLines({ ...input, names: new ReplicaState(NAMES_INFO) });

    expect(lines[0]).toBe('ID Vault /renovationsvault (IBM_ID_VAULT\\renovationsvault.nsf)');
    expect(lines[lines.length - 1]).toBe('The vault document has not replicated to this server yet');
  });
});
