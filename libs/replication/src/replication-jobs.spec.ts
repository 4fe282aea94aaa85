import { type JobResult, ReplicationJobQueue, type ReplicationJob } from './replication-jobs';

const job = (partner: string, origin = 'console'): ReplicationJob => ({ partner, mode: 'pull-push', databases: [], origin });

describe('ReplicationJobQueue', () => {
  it('runs jobs one at a time in order', async () => {
    const order: string[] = [];
    let running = 0;
    const queue = new ReplicationJobQueue(async (next) => {
      running += 1;
      expect(running).toBe(1);
      order.push(next.partner);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return { job: next, startedAt: 0, finishedAt: 0, databases: [] };
    });

    await Promise.all([queue.enqueue(job('a/o')), queue.enqueue(job('b/o')), queue.enqueue(job('c/o'))]);

    expect(order).toEqual(['a/o', 'b/o', 'c/o']);
  });

  it('merges a job that is already waiting', async () => {
    let release: () => void = () => undefined;
    const runs: string[] = [];
    const queue = new ReplicationJobQueue(async (next) => {
      runs.push(next.partner);
      if (runs.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return { job: next, startedAt: 0, finishedAt: 0, databases: [] } satisfies JobResult;
    });

    const first = queue.enqueue(job('a/o'));
    const second = queue.enqueue(job('b/o'));
    const again = queue.enqueue(job('b/o'));
    expect(queue.current()?.partner).toBe('a/o');
    expect(queue.pendingCount()).toBe(1);
    release();
    await Promise.all([first, second, again]);

    expect(runs).toEqual(['a/o', 'b/o']);
  });

  it('refuses jobs once closed', async () => {
    const queue = new ReplicationJobQueue(async (next) => ({ job: next, startedAt: 0, finishedAt: 0, databases: [] }));
    queue.close();

    const result = await queue.enqueue(job('a/o'));

    expect(result.error).toBe('the replicator is stopping');
  });
});
