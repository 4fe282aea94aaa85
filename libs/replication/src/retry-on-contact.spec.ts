import type { ReplicationJob } from './replication-jobs';
import { RetryOnContact } from './retry-on-contact';

const SERVER1 = 'CN=server1/O=renovations';
const job = (origin: string, partner = SERVER1): ReplicationJob => ({ partner, mode: 'pull-only', databases: [], origin });

describe('RetryOnContact', () => {
  let now: number;
  let retries: RetryOnContact;

  beforeEach(() => {
    now = 10_000;
    retries = new RetryOnContact(1_000, () => now);
  });

  it('returns a failed job when the partner is heard from', () => {
    retries.jobFailed(job('connection-1'));
    now += 1_000;

    expect(retries.takeDue('server1/renovations')).toEqual({ jobs: [job('connection-1')], pulls: [] });
    expect(retries.takeDue(SERVER1)).toBeUndefined();
  });

  it('waits the minimum gap after a failure', () => {
    retries.pullFailed(SERVER1, '852564AC:044EBCCF');
    now += 999;

    expect(retries.takeDue(SERVER1)).toBeUndefined();
    now += 1;
    expect(retries.takeDue(SERVER1)).toEqual({ jobs: [], pulls: ['852564AC:044EBCCF'] });
  });

  it('keeps one retry per origin', () => {
    retries.jobFailed(job('connection-1'));
    retries.jobFailed(job('connection-1'));
    retries.jobFailed(job('connection-2'));
    now += 5_000;

    expect(retries.takeDue(SERVER1)?.jobs.map((pending) => pending.origin)).toEqual(['connection-1', 'connection-2']);
  });

  it('forgets a job that succeeded since', () => {
    retries.jobFailed(job('connection-1'));

    retries.jobSucceeded(job('connection-1'));
    now += 5_000;

    expect(retries.takeDue(SERVER1)).toBeUndefined();
    expect(retries.waitingPartners()).toEqual([]);
  });

  it('keeps partners apart', () => {
    retries.jobFailed(job('connection-1', 'CN=server2/O=renovations'));
    now += 5_000;

    expect(retries.takeDue(SERVER1)).toBeUndefined();
    expect(retries.takeDue('CN=server2/O=renovations')?.jobs).toHaveLength(1);
  });
});
