import type { AppliedNotice } from '@domsim/client';

import { PropagationTracker } from './propagation';

const S1 = 'CN=server1/O=renovations';
const S2 = 'CN=server2/O=renovations';
const S3 = 'CN=server3/O=renovations';
const UNID = 'A'.repeat(32);

function notice(server: string, appliedAt: number, counter = 7, unid = UNID): AppliedNotice {
  return {
    server,
    replicaId: '852564AC:044EBCCF',
    source: server === S1 ? 'local' : 'remote',
    appliedAt,
    count: 1,
    revisions: [{ unid, originator: S1, counter, form: 'Certificate', deleted: false }],
  };
}

describe('PropagationTracker', () => {
  it('measures lag from the save per server', () => {
    const tracker = new PropagationTracker();

    tracker.record(notice(S1, 1_000));
    tracker.record(notice(S3, 1_012));
    tracker.record(notice(S2, 1_004));

    const [change] = tracker.timeline();
    expect(change).toMatchObject({ unid: UNID, form: 'Certificate', originator: S1, counter: 7, savedAt: 1_000 });
    expect(change.arrivals).toEqual([
      { server: S1, appliedAt: 1_000, lagMs: 0 },
      { server: S2, appliedAt: 1_004, lagMs: 4 },
      { server: S3, appliedAt: 1_012, lagMs: 12 },
    ]);
  });

  it('records one sample per link', () => {
    const tracker = new PropagationTracker();

    tracker.record(notice(S1, 1_000));
    tracker.record(notice(S2, 1_004));
    tracker.record(notice(S1, 2_000, 8));
    tracker.record(notice(S2, 2_010, 8));

    expect(tracker.linkLags()).toEqual([
      {
        from: S1,
        to: S2,
        samples: [
          { at: 1_004, lagMs: 4 },
          { at: 2_010, lagMs: 10 },
        ],
      },
    ]);
  });

  it('backfills lag when the save arrives late', () => {
    const tracker = new PropagationTracker();

    tracker.record(notice(S2, 1_005));
    tracker.record(notice(S1, 1_000));

    expect(tracker.timeline()[0].arrivals.find((arrival) => arrival.server === S2)?.lagMs).toBe(5);
    expect(tracker.linkLags()[0].samples).toEqual([{ at: 1_005, lagMs: 5 }]);
  });

  it('leaves lag unknown without the save', () => {
    const tracker = new PropagationTracker();

    tracker.record(notice(S2, 1_005));

    const [change] = tracker.timeline();
    expect(change.savedAt).toBeUndefined();
    expect(change.arrivals).toEqual([{ server: S2, appliedAt: 1_005 }]);
    expect(tracker.linkLags()).toEqual([]);
  });

  it('ignores a repeated notice', () => {
    const tracker = new PropagationTracker();
    tracker.record(notice(S1, 1_000));
    tracker.record(notice(S2, 1_004));

    const changed = tracker.record(notice(S2, 1_050));

    expect(changed).toBe(false);
    expect(tracker.timeline()[0].arrivals).toHaveLength(2);
    expect(tracker.linkLags()[0].samples).toHaveLength(1);
  });

  it('lists the newest change first', () => {
    const tracker = new PropagationTracker();

    tracker.record(notice(S1, 1_000, 1, 'B'.repeat(32)));
    tracker.record(notice(S1, 2_000, 2, UNID));

    expect(tracker.timeline().map((change) => change.counter)).toEqual([2, 1]);
    expect(tracker.latestChangeOf('B'.repeat(32))?.counter).toBe(1);
    expect(tracker.latestChangeOf('C'.repeat(32))).toBeUndefined();
  });

  it('drops the oldest changes and samples', () => {
    const tracker = new PropagationTracker({ maxChanges: 2, maxSamplesPerLink: 2 });

    for (let counter = 1; counter <= 4; counter += 1) {
      tracker.record(notice(S1, counter * 1_000, counter));
      tracker.record(notice(S2, counter * 1_000 + counter, counter));
    }

    expect(tracker.timeline().map((change) => change.counter)).toEqual([4, 3]);
    expect(tracker.linkLags()[0].samples).toEqual([
      { at: 3_003, lagMs: 3 },
      { at: 4_004, lagMs: 4 },
    ]);
  });
});
