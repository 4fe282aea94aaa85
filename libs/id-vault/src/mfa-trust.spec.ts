import { CertificateTypes, NAMES_NSF, type ReplicaInfo, ReplicaState, type Revision } from '@domsim/directory';
import {
  createCertificateCheck,
  type IdFileSource,
  MfaTrustError,
  type MfaTrustErrorCode,
  type MfaTrustPlan,
  type MfaTrustRequest,
  planMfaTrust,
  SIGNATURE_ITEM,
  signedItemsOf,
  TrustAnchors,
} from '@domsim/id-vault';
import { nameKey, parseName } from '@domsim/names';
import { createCertifierId, verifyItems } from '@domsim/pki';
import { buildNamesDocuments, buildVaultDocuments, defaultTopologyPath, type InitialDocument, loadTopology, type VaultSpec } from '@domsim/topology';

const ISSUED = new Date('2026-01-15T10:00:00.000Z');
const NOW = new Date('2026-05-01T12:00:00.000Z');
const SERVER1 = 'CN=server1/O=renovations';
const NAMES_INFO: ReplicaInfo = { replicaId: '852564AC:044EBCCF', path: NAMES_NSF, title: "renovations's Directory" };
const VAULT_INFO: ReplicaInfo = { replicaId: '0A1B2C3D:4E5F6071', path: 'IBM_ID_VAULT\\renovationsvault.nsf', title: 'renovationsvault' };
const WRONG_PASSWORD_TEXT = 'Wrong Password. (Passwords are case sensitive - be sure to use correct upper and lower case.)';

const topology = loadTopology(defaultTopologyPath());
const vaultSpec = topology.vaults[0];

/** The default domain's certifiers with 1024-bit keys, and extra ID files for the failure cases. */
const certifiers = topology.organizations.map((organization) => {
  const created = createCertifierId({ name: parseName(organization.name), password: organization.certifier.password, validFrom: ISSUED, keyBits: 1024 });
  return { name: organization.name, idFileName: organization.certifier.idFile, ...created };
});
const anchors = new TrustAnchors(certifiers.map(({ name, certificatePem }) => ({ name, certificatePem })));
const namesDocuments = buildNamesDocuments(topology, certifiers, ISSUED);

const idFiles: Record<string, Buffer> = {
  ...Object.fromEntries(certifiers.map((certifier) => [certifier.idFileName, certifier.idFile])),
  'notes.ini': Buffer.from('[Notes]\nKeyFilename=server.id\n'),
  'empty.id': Buffer.alloc(0),
  'mfatest2.id': createCertifierId({ name: parseName('/mfatest2'), password: 'mfatest2-demo', validFrom: ISSUED, keyBits: 1024 }).idFile,
  'impostor.id': createCertifierId({ name: parseName('/mfatest1'), password: 'mfatest1-demo', validFrom: ISSUED, keyBits: 1024 }).idFile,
  'expired.id': createCertifierId({ name: parseName('/mfatest1'), password: 'mfatest1-demo', validFrom: new Date('2015-01-15T10:00:00.000Z'), keyBits: 1024 }).idFile,
};

const dataDirectory: IdFileSource = {
  read(name) {
    const bytes = idFiles[name];
    if (bytes === undefined) throw new MfaTrustError('ID_FILE_NOT_FOUND', `File ${name} does not exist in the data directory`);
    return bytes;
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

function vaultReplica(spec: VaultSpec = vaultSpec): ReplicaState {
  const keys = new Map(spec.servers.map((server) => [nameKey(server), `VO-abcd-efgh/${parseName(server).common}/renovationsvault`]));
  return replicaOf(VAULT_INFO, buildVaultDocuments(spec, keys));
}

/** Saves a plan's certificate into names.nsf as the server would, as the next revision from server1. */
function savePlan(names: ReplicaState, plan: MfaTrustPlan): Revision {
  if (plan.change.kind !== 'create') throw new Error(`expected a create, got ${plan.change.kind}`);
  const revision = revisionOf(NAMES_INFO, { unid: plan.change.unid ?? '', form: plan.change.form, items: plan.change.items }, namesDocuments.length + 1);
  names.add(revision);
  return revision;
}

function planError(request: MfaTrustRequest): MfaTrustError {
  try {
    planMfaTrust(request, dataDirectory);
  } catch (error) {
    if (error instanceof MfaTrustError) return error;
    throw error;
  }
  throw new Error(`planMfaTrust accepted ${request.pattern} with ${request.idFile}`);
}

describe('planMfaTrust', () => {
  let names: ReplicaState;
  let request: MfaTrustRequest;

  beforeEach(() => {
    names = replicaOf(NAMES_INFO, namesDocuments);
    request = { server: SERVER1, pattern: '*/O=mfatest1', idFile: 'cert.id', password: 'mfatest1-demo', names, vaults: [vaultReplica()], anchors, now: NOW };
  });

  it('plans a signed MFA certificate', () => {
    const plan = planMfaTrust(request, dataDirectory);

    expect(plan).toMatchObject({ database: 'names.nsf', certifier: '/mfatest1', pattern: '*/O=mfatest1', vaultName: 'O=renovationsvault' });
    expect(plan.change).toMatchObject({
      kind: 'create',
      form: 'Certificate',
      items: {
        CertificateType: CertificateTypes.Mfa,
        IssuedBy: 'O=mfatest1',
        IssuedTo: 'O=renovationsvault',
        AllowedPattern: '*/O=mfatest1',
        Issued: '2026-05-01T12:00:00.000Z',
        Expiration: '2036-05-01T12:00:00.000Z',
      },
    });
  });

  it('signs the certificate with the certifier key', () => {
    const plan = planMfaTrust(request, dataDirectory);
    const revision = savePlan(names, plan);

    const items = revision.items ?? {};

    expect(createCertificateCheck(anchors)(revision, names)).toBeUndefined();
    expect(verifyItems(signedItemsOf(items), String(items[SIGNATURE_ITEM]), certifiers[1].certificatePem)).toBe(true);
  });

  it('accepts a pattern below the certifier', () => {
    const plan = planMfaTrust({ ...request, pattern: '*/ou=sales/o=mfatest1' }, dataDirectory);

    expect(plan.pattern).toBe('*/OU=sales/O=mfatest1');
    expect(plan.change).toMatchObject({ items: { AllowedPattern: '*/OU=sales/O=mfatest1' } });
  });

  it.each<[string, Partial<MfaTrustRequest> | (() => Partial<MfaTrustRequest>), MfaTrustErrorCode, string]>([
    [
      'a server without a vault',
      { vaults: [] },
      'NOT_A_VAULT_SERVER',
      'This server does not host an ID vault. Run mfamgmt at the console of an ID vault server: server1/renovations, server2/renovations',
    ],
    [
      'a vault database not replicated yet',
      () => ({ vaults: [new ReplicaState(VAULT_INFO)] }),
      'VAULT_NOT_REPLICATED',
      'The ID vault database IBM_ID_VAULT\\renovationsvault.nsf or its vault document has not replicated to this server yet; wait for replication or run it on another vault server',
    ],
    [
      'a Domino 11 vault design',
      () => ({ vaults: [vaultReplica({ ...vaultSpec, designVersion: 11 })] }),
      'VAULT_DESIGN_TOO_OLD',
      'The ID vault database IBM_ID_VAULT\\renovationsvault.nsf has the design of idvault.ntf 11; upgrade it to the Domino 12 idvault.ntf design first',
    ],
    [
      'an abbreviated pattern',
      { pattern: '*/mfatest1' },
      'INVALID_PATTERN',
      'Invalid trust pattern "*/mfatest1": write the pattern in canonical form, e.g. */O=mfatest1 or */OU=sales/O=renovations',
    ],
    [
      'a pattern without "*/"',
      { pattern: 'O=mfatest1' },
      'INVALID_PATTERN',
      'Invalid trust pattern "O=mfatest1": a trust pattern starts with "*/", e.g. */O=mfatest1 or */OU=sales/O=renovations',
    ],
    ['a wrong password', { password: 'MFATEST1-demo' }, 'WRONG_PASSWORD', WRONG_PASSWORD_TEXT],
    [
      'a file that is not an ID',
      { idFile: 'notes.ini' },
      'NOT_AN_ID_FILE',
      'File notes.ini is not a valid certifier ID file: the file is not a protected key container (PKCS#12)',
    ],
    ['an empty file', { idFile: 'empty.id' }, 'NOT_AN_ID_FILE', 'File empty.id is not a valid certifier ID file: the file is empty'],
    ['a missing file', { idFile: 'missing.id' }, 'ID_FILE_NOT_FOUND', 'File missing.id does not exist in the data directory'],
    [
      'an expired certifier',
      { idFile: 'expired.id' },
      'CERTIFIER_EXPIRED',
      'Certifier /mfatest1 in expired.id expired on 01/15/2025; use a current certifier ID',
    ],
    [
      'a pattern of another organization',
      { pattern: '*/O=renovations' },
      'CERTIFIER_DOES_NOT_COVER',
      'Certifier /mfatest1 cannot grant trust for */O=renovations; it covers only */O=mfatest1 and the units below it',
    ],
    [
      'a pattern above the certifier',
      { pattern: '*/O=mfatest1', idFile: 'renovations-cert.id', password: 'renovations-demo' },
      'CERTIFIER_DOES_NOT_COVER',
      'Certifier /renovations cannot grant trust for */O=mfatest1; it covers only */O=renovations and the units below it',
    ],
    [
      'a certifier unknown to the domain',
      { pattern: '*/O=mfatest2', idFile: 'mfatest2.id', password: 'mfatest2-demo' },
      'CERTIFIER_NOT_IN_DIRECTORY',
      'Certifier /mfatest2 in mfatest2.id is not a certifier of this domain; no server could verify its certificate',
    ],
    [
      'a certifier with another key',
      { idFile: 'impostor.id' },
      'CERTIFIER_NOT_IN_DIRECTORY',
      'impostor.id holds a different key for /mfatest1 than the certifier registered in the directory',
    ],
  ])('rejects %s', (_label, overrides, code, message) => {
    const error = planError({ ...request, ...(typeof overrides === 'function' ? overrides() : overrides) });

    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it.each([
    ['*/O=mfatest1', '*/O=mfatest1'],
    ['*/o=MFATEST1', '*/O=mfatest1'],
  ])('rejects %s once a certificate exists', (pattern, shown) => {
    savePlan(names, planMfaTrust(request, dataDirectory));

    const error = planError({ ...request, pattern });

    expect(error.code).toBe('CERTIFICATE_EXISTS');
    expect(error.message).toBe(
      `A Multi-Factor Authentication Certificate for ${shown} already exists (issued by /mfatest1 to /renovationsvault on 05/01/2026); delete it from the Certificates view to issue a new one`,
    );
  });

  it('allows another pattern next to an existing one', () => {
    savePlan(names, planMfaTrust(request, dataDirectory));

    const plan = planMfaTrust({ ...request, pattern: '*/OU=sales/O=mfatest1' }, dataDirectory);

    expect(plan.pattern).toBe('*/OU=sales/O=mfatest1');
  });

  it('plans again after the certificate is deleted', () => {
    const first = savePlan(names, planMfaTrust(request, dataDirectory));
    names.add({
      replicaId: first.replicaId,
      unid: first.unid,
      originator: first.originator,
      counter: first.counter + 1,
      seq: first.seq + 1,
      seqTime: NOW.getTime(),
      parent: { originator: first.originator, counter: first.counter },
      deleted: true,
    });

    const plan = planMfaTrust(request, dataDirectory);

    expect(plan.change).toMatchObject({ kind: 'create', unid: first.unid });
  });
});
