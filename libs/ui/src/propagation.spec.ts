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

  describe('after a burst of 200 saves', () => {
    const SAVES = 200;
    const revision = (counter: number) => ({ unid: counter.toString(16).toUpperCase().padStart(32, '0'), originator: S1, counter, form: 'Person', deleted: false });
    const single = (server: string, counter: number, appliedAt: number): AppliedNotice => ({
      server,
      replicaId: '852564AC:044EBCCF',
      source: server === S1 ? 'local' : 'remote',
      appliedAt,
      count: 1,
      revisions: [revision(counter)],
    });

    /** Server1 saves one change every 10 ms; server2 stores each 7 ms later and server3 60 saves behind. */
    function burst(tracker: PropagationTracker): void {
      for (let counter = 1; counter <= SAVES + 60; counter += 1) {
        if (counter <= SAVES) {
          tracker.record(single(S1, counter, counter * 10));
          tracker.record(single(S2, counter, counter * 10 + 7));
        }
        const behind = counter - 60;
        if (behind >= 1) tracker.record(single(S3, behind, counter * 10 + 3));
      }
    }

    it('lists the newest changes with their saves', () => {
      const tracker = new PropagationTracker();

      burst(tracker);

      const timeline = tracker.timeline();
      expect(timeline).toHaveLength(50);
      expect(timeline.slice(0, 20).map((change) => change.counter)).toEqual(Array.from({ length: 20 }, (_, index) => SAVES - index));
      expect(timeline.filter((change) => change.savedAt === undefined)).toEqual([]);
      expect(timeline[0].arrivals).toEqual([
        { server: S1, appliedAt: 2_000, lagMs: 0 },
        { server: S2, appliedAt: 2_007, lagMs: 7 },
        { server: S3, appliedAt: 2_603, lagMs: 603 },
      ]);
    });

    it('keeps a lag sample for every arrival', () => {
      const tracker = new PropagationTracker();

      burst(tracker);

      const links = new Map(tracker.linkLags().map((link) => [`${link.from}->${link.to}`, link.samples]));
      expect(links.get(`${S1}->${S2}`)).toHaveLength(SAVES);
      expect(links.get(`${S1}->${S3}`)).toHaveLength(SAVES);
      expect(links.get(`${S1}->${S3}`)?.every((sample) => sample.lagMs === 603)).toBe(true);
    });

    it('ignores late notices of dropped changes', () => {
      const tracker = new PropagationTracker();
      burst(tracker);

      const changed = tracker.record(single(S3, 5, 9_000));

      expect(changed).toBe(false);
      expect(tracker.timeline()[0].counter).toBe(SAVES);
      expect(tracker.timeline().some((change) => change.counter === 5)).toBe(false);
    });

    it('samples a batch of remote revisions', () => {
      const tracker = new PropagationTracker();
      for (let counter = 1; counter <= SAVES; counter += 1) tracker.record(single(S1, counter, counter * 10));

      for (let first = 1; first <= SAVES; first += 100) {
        const revisions = Array.from({ length: 100 }, (_, index) => revision(first + index));
        tracker.record({ server: S2, replicaId: '852564AC:044EBCCF', source: 'remote', appliedAt: 5_000 + first, count: 100, revisions });
      }

      expect(tracker.linkLags()[0].samples).toHaveLength(SAVES);
      expect(tracker.timeline()[0].arrivals.map((arrival) => arrival.server)).toEqual([S1, S2]);
    });
  });
});
