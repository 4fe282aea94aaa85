import { Forms, type Note, type ReplicaState } from '@domsim/directory';

import type { ReplicationJob } from './replication-jobs';
import { ConnectionScheduler } from './scheduler';

function namesWith(documents: Note[]): ReplicaState {
  return { documentsOfForm: (form: string) => documents.filter((note) => note.form === form)[Symbol.iterator]() } as unknown as ReplicaState;
}

function connection(unid: string, items: Record<string, string>): Note {
  return { unid, form: Forms.Connection, items: { Source: 'server3/renovations', Destination: 'server1/renovations', ...items }, seq: 1, seqTime: 1, revision: { originator: 'x', counter: Number(unid.length) } };
}

describe('ConnectionScheduler', () => {
  let now: number;
  let documents: Note[];
  let jobs: ReplicationJob[];
  let invalid: string[];
  let scheduler: ConnectionScheduler;

  beforeEach(() => {
    now = new Date(2026, 11, 4, 12, 0, 0).getTime();
    documents = [connection('C1', { Interval: '60s', RepType: 'pull-only' })];
    jobs = [];
    invalid = [];
    scheduler = new ConnectionScheduler({
      server: 'CN=server3/O=renovations',
      names: () => namesWith(documents),
      enqueue: (job) => jobs.push(job),
      isQueued: () => false,
      invalid: (unid, error) => invalid.push(`${unid}: ${error.message}`),
      now: () => now,
    });
  });

  it('runs a connection one interval after it is seen', () => {
    scheduler.tick();
    now += 59_000;
    scheduler.tick();
    now += 1_000;
    scheduler.tick();

    expect(jobs).toEqual([{ partner: 'server1/renovations', mode: 'pull-only', databases: [], origin: 'C1' }]);
  });

  it('runs again every interval', () => {
    scheduler.tick();
    for (let second = 0; second < 180; second += 1) {
      now += 1_000;
      scheduler.tick();
    }

    expect(jobs).toHaveLength(3);
  });

  it('follows an edited interval without a restart', () => {
    scheduler.tick();
    documents = [connection('C1', { Interval: '5s', RepType: 'pull-only' })];
    scheduler.tick();
    now += 5_000;
    scheduler.tick();

    expect(jobs).toHaveLength(1);
  });

  it('skips a disabled connection', () => {
    documents = [connection('C1', { Interval: '1s', Enabled: '0' })];

    scheduler.tick();
    now += 10_000;
    scheduler.tick();

    expect(jobs).toEqual([]);
    expect(scheduler.connections()[0].nextRunAt).toBeUndefined();
  });

  it('waits for the window to open', () => {
    documents = [connection('C1', { Interval: '1s', Window: '13:00-14:00' })];
    scheduler.tick();
    now += 5_000;
    scheduler.tick();
    expect(jobs).toEqual([]);

    now = new Date(2026, 11, 4, 13, 0, 1).getTime();
    scheduler.tick();

    expect(jobs).toHaveLength(1);
  });

  it('ignores connections of other servers', () => {
    documents = [connection('C1', { Source: 'server2/renovations', Interval: '1s' })];

    scheduler.tick();
    now += 5_000;
    scheduler.tick();

    expect(jobs).toEqual([]);
  });

  it('reports an invalid document once', () => {
    documents = [connection('C1', { Interval: 'soon' })];

    scheduler.tick();
    scheduler.tick();

    expect(invalid).toEqual(['C1: invalid repeat interval "soon": write a number with s, m, h or d, e.g. 60s or 30m']);
  });
});
