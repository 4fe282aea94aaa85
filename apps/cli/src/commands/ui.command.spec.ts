import type { DomainManifest } from '@domsim/topology';

import { knownServersOf } from './ui.command';

const S1 = 'CN=server1/O=renovations';
const S2 = 'CN=server2/O=renovations';

const BASE: DomainManifest = {
  format: 1,
  domain: 'renovations',
  createdAt: '2026-04-12T19:46:18.000Z',
  topologySource: 'test',
  servers: [
    { name: S1, dataDir: 'servers/server1', administrationServer: true },
    { name: S2, dataDir: 'servers/server2', administrationServer: false },
  ],
};

describe('knownServersOf', () => {
  it('reads vaults and clusters from domain.json', () => {
    const manifest: DomainManifest = { ...BASE, clusters: [{ name: 'east', servers: [S2] }], vaults: [{ name: 'O=renovationsvault', servers: [S1] }] };

    expect(knownServersOf(manifest)).toEqual([
      { name: S1, administrationServer: true, idVault: true, cluster: undefined },
      { name: S2, administrationServer: false, idVault: false, cluster: 'east' },
    ]);
  });

  it('leaves roles unknown in an older domain.json', () => {
    expect(knownServersOf(BASE)).toEqual([
      { name: S1, administrationServer: true, idVault: undefined, cluster: undefined },
      { name: S2, administrationServer: false, idVault: undefined, cluster: undefined },
    ]);
  });
});
