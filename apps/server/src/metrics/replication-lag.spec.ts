import type { Revision } from '@domsim/directory';

import { lagSamples } from './replication-lag';

const SELF = 'CN=server2/O=renovations';

function revision(originator: string, seqTime: number): Revision {
  return { originator, seqTime } as Revision;
}

describe('lagSamples', () => {
  it('takes the newest revision of each originator', () => {
    const samples = lagSamples(SELF, 'names.nsf', [revision('CN=server1/O=renovations', 1_000), revision('CN=server1/O=renovations', 4_000), revision('CN=server3/O=renovations', 2_500)], 5_000);

    expect(samples).toEqual([
      { partner: 'CN=server1/O=renovations', replica: 'names.nsf', lagSeconds: 1, revisions: 2 },
      { partner: 'CN=server3/O=renovations', replica: 'names.nsf', lagSeconds: 2.5, revisions: 1 },
    ]);
  });

  it('skips this server’s own revisions', () => {
    expect(lagSamples(SELF, 'names.nsf', [revision('cn=server2/o=renovations', 1_000)], 5_000)).toEqual([]);
  });

  it('reports no negative lag for a clock ahead of this one', () => {
    expect(lagSamples(SELF, 'names.nsf', [revision('CN=server1/O=renovations', 9_000)], 5_000)[0].lagSeconds).toBe(0);
  });
});
