import type { AppliedNotice, DomainClient } from '@domsim/client';
import { abbreviate, nameKey } from '@domsim/names';

import { LagTimeoutError } from './errors';

/** How long one server took to store a change saved on the origin server. */
export interface ServerLag {
  /** Canonical server name. */
  readonly server: string;
  readonly replicaId: string;
  /** Database path, e.g. names.nsf. */
  readonly path: string;
  /** From the save on the origin to storage on this server, in milliseconds. */
  readonly lagMs: number;
}

export interface LagMeasurement<T> {
  /** Canonical name of the server where the change was saved. */
  readonly origin: string;
  /** Return value of the change, e.g. the console reply. */
  readonly result: T;
  /** When the origin stored the change, in its clock (ms since the epoch). */
  readonly savedAt: number;
  readonly lags: readonly ServerLag[];
  readonly maxLagMs: number;
}

export interface MeasureLagOptions {
  readonly timeoutMs?: number;
}

/** A server that hosts replicas; the harness passes the running servers. */
export interface ReplicaHost {
  readonly server: string;
  readonly replicas: ReadonlyArray<{ readonly replicaId: string; readonly path: string }>;
}

interface Target {
  readonly host: string;
  readonly replicaId: string;
  readonly path: string;
  /** The origin's counter of the last revision of the change in this replica. */
  readonly counter: number;
  readonly savedAt: number;
}

/**
 * Runs a change and measures, from the servers' applied notices, how long each other
 * host of the changed replicas took to store it. Times are from the servers' clocks, so
 * across machines they are only as good as clock synchronisation.
 *
 * @throws LagTimeoutError naming the servers that had not stored the change at the deadline.
 */
export async function measureLag<T>(client: DomainClient, origin: string, change: () => Promise<T>, hosts: () => Promise<readonly ReplicaHost[]>, options: MeasureLagOptions = {}): Promise<LagMeasurement<T>> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const originKey = nameKey(origin);
  const notices: AppliedNotice[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = client.onApplied((notice) => {
    notices.push(notice);
    wake?.();
  });

  try {
    await client.connection.flush();
    const result = await change();
    const deadline = Date.now() + timeoutMs;
    const waitForNotices = async (done: () => boolean): Promise<boolean> => {
      while (!done()) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return true;
    };

    const localNotices = () => notices.filter((notice) => notice.source === 'local' && nameKey(notice.server) === originKey);
    if (!(await waitForNotices(() => localNotices().length > 0))) {
      throw new LagTimeoutError(timeoutMs, [`${abbreviate(origin)} (it stored nothing from the change; measureLag needs a change that saves on the origin)`]);
    }
    const targets = targetsOf(localNotices(), (await hosts()).filter((host) => nameKey(host.server) !== originKey));

    const arrivals = new Map<Target, number>();
    const record = () => {
      for (const target of targets) {
        if (arrivals.has(target)) continue;
        const notice = notices.find((candidate) => candidate.source === 'remote' && nameKey(candidate.server) === nameKey(target.host) && holds(candidate, target, originKey));
        if (notice !== undefined) arrivals.set(target, notice.appliedAt);
      }
      return arrivals.size === targets.length;
    };
    if (!(await waitForNotices(record))) {
      const missing = targets.filter((target) => !arrivals.has(target)).map((target) => `${abbreviate(target.host)} (${target.path})`);
      throw new LagTimeoutError(timeoutMs, missing);
    }

    const lags = targets.map((target) => ({ server: target.host, replicaId: target.replicaId, path: target.path, lagMs: (arrivals.get(target) as number) - target.savedAt }));
    return {
      origin: localNotices()[0].server,
      result,
      savedAt: Math.min(...localNotices().map((notice) => notice.appliedAt)),
      lags,
      maxLagMs: Math.max(0, ...lags.map((lag) => lag.lagMs)),
    };
  } finally {
    wake = undefined;
    unsubscribe();
  }
}

/** One target per other host and changed replica, waiting for the change's last revision there. */
function targetsOf(local: readonly AppliedNotice[], hosts: readonly ReplicaHost[]): Target[] {
  const lastByReplica = new Map<string, { counter: number; savedAt: number }>();
  for (const notice of local) {
    if (notice.revisions.length === 0) continue;
    // A batch of more than 100 revisions arrives as several notices, each listing its part.
    const counter = Math.max(...notice.revisions.map((revision) => revision.counter));
    const known = lastByReplica.get(notice.replicaId);
    if (known === undefined || counter > known.counter) lastByReplica.set(notice.replicaId, { counter, savedAt: notice.appliedAt });
  }
  return hosts.flatMap((host) =>
    host.replicas.flatMap((replica) => {
      const last = lastByReplica.get(replica.replicaId);
      return last === undefined ? [] : [{ host: host.server, replicaId: replica.replicaId, path: replica.path, counter: last.counter, savedAt: last.savedAt }];
    }),
  );
}

function holds(notice: AppliedNotice, target: Target, originKey: string): boolean {
  return notice.replicaId === target.replicaId && notice.revisions.some((revision) => nameKey(revision.originator) === originKey && revision.counter >= target.counter);
}
