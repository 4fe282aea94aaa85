import {
  CERTIFICATES_VIEW,
  CertificateTypes,
  displayDate,
  displayName,
  findView,
  type Items,
  NAMES_VIEWS,
  PEOPLE_VIEW,
  renderView,
  ReplicaState,
  type Revision,
} from '@domsim/directory';

const REPLICA_ID = '852564AC:044EBCCF';
let nextUnid = 0;

function create(form: string, items: Items, originator = 'server1', counter = 1): Revision {
  nextUnid += 1;
  const unid = nextUnid.toString(16).toUpperCase().padStart(32, '0');
  return { replicaId: REPLICA_ID, unid, originator, counter, seq: 1, seqTime: 1000, parent: null, deleted: false, form, items };
}

function edit(parent: Revision, items: Items, originator: string, seqTime: number): Revision {
  return {
    ...parent,
    originator,
    counter: 100,
    seq: parent.seq + 1,
    seqTime,
    parent: { originator: parent.originator, counter: parent.counter },
    items: { ...parent.items, ...items },
  };
}

describe('renderView', () => {
  const renovations = create('Certifier', {
    CertificateType: CertificateTypes.NotesCertifier,
    IssuedBy: 'O=renovations',
    IssuedTo: 'O=renovations',
    Expiration: '2036-01-15T10:00:00.000Z',
  });
  const mfatest1 = create('certifier', {
    CertificateType: CertificateTypes.NotesCertifier,
    IssuedBy: 'O=mfatest1',
    IssuedTo: 'O=mfatest1',
    Expiration: '2036-01-15T10:00:00.000Z',
  });
  const vaultTrust = create('Certificate', {
    CertificateType: CertificateTypes.VaultTrust,
    IssuedBy: 'O=renovations',
    IssuedTo: 'O=renovationsvault',
    Expiration: '2036-01-15T10:00:00.000Z',
  });
  const mfa = create('Certificate', {
    CertificateType: CertificateTypes.Mfa,
    IssuedBy: 'O=mfatest1',
    IssuedTo: 'O=renovationsvault',
    AllowedPattern: '*/O=mfatest1',
    Expiration: '2036-05-01T12:00:00.000Z',
  });
  const mfaOnServer1 = edit(mfa, { Expiration: '2036-05-02T12:00:00.000Z' }, 'server1', 2000);
  const mfaOnServer2 = edit(mfa, { Expiration: '2036-05-03T12:00:00.000Z' }, 'server2', 3000);
  const person = create('Person', { FullName: ['CN=web user/O=renovations', 'web user/renovations'] });

  function replica(): ReplicaState {
    const state = new ReplicaState({ replicaId: REPLICA_ID, path: 'names.nsf', title: 'Directory' });
    for (const revision of [person, mfaOnServer2, renovations, mfaOnServer1, vaultTrust, mfatest1, mfa]) state.add(revision);
    return state;
  }

  it('lists certificates sorted by type, issuer and subject', () => {
    const rows = renderView(CERTIFICATES_VIEW, replica());

    expect(rows.map((row) => [row.conflict, ...Object.values(row.values)])).toEqual([
      [false, 'ID Vault Trust Certificate', '/renovations', '/renovationsvault', '', '01/15/2036'],
      [false, 'Multi-Factor Authentication Certificate', '/mfatest1', '/renovationsvault', '*/O=mfatest1', '05/03/2036'],
      [true, 'Multi-Factor Authentication Certificate', '/mfatest1', '/renovationsvault', '*/O=mfatest1', '05/02/2036'],
      [false, 'Notes Certifier', '/mfatest1', '/mfatest1', '', '01/15/2036'],
      [false, 'Notes Certifier', '/renovations', '/renovations', '', '01/15/2036'],
    ]);
  });

  it('names columns by title', () => {
    const [row] = renderView(CERTIFICATES_VIEW, replica());

    expect(Object.keys(row.values)).toEqual(['Type', 'Issued By', 'Issued To', 'Pattern', 'Expiration']);
  });

  it('lists a conflict after its document', () => {
    const rows = renderView(CERTIFICATES_VIEW, replica());

    expect(rows[1].unid).toBe(mfa.unid);
    expect(rows[2].unid).not.toBe(mfa.unid);
    expect(rows[2].conflict).toBe(true);
  });

  it('selects only its forms', () => {
    const rows = renderView(PEOPLE_VIEW, replica());

    expect(rows).toEqual([{ unid: person.unid, conflict: false, values: { Name: 'web user/renovations', 'Internet Address': '' } }]);
  });
});

describe('findView', () => {
  it.each([['Certificates'], ['($Certifiers)'], ['certs'], ['  CERTIFICATES ']])('finds %j', (name) => {
    expect(findView(NAMES_VIEWS, 'NAMES.NSF', name)).toBe(CERTIFICATES_VIEW);
  });

  it('finds nothing in another database', () => {
    expect(findView(NAMES_VIEWS, 'IBM_ID_VAULT\\renovationsvault.nsf', 'Certificates')).toBeUndefined();
  });
});

describe('view values', () => {
  it.each([
    ['CN=server1/O=renovations', 'server1/renovations'],
    ['O=mfatest1', '/mfatest1'],
    ['*/O=mfatest1', '*/O=mfatest1'],
    ['', ''],
  ])('displayName shows %j as %j', (value, shown) => {
    expect(displayName(value)).toBe(shown);
  });

  it.each([
    ['2036-05-01T12:00:00.000Z', '05/01/2036'],
    ['2036-12-31T23:59:59.000Z', '12/31/2036'],
    ['not a date', 'not a date'],
  ])('displayDate shows %j as %j', (value, shown) => {
    expect(displayDate(value)).toBe(shown);
  });
});
