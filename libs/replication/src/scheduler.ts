import { type ReplicaState, Forms } from '@domsim/directory';
import { nameKey } from '@domsim/names';

import { type ConnectionSchedule, InvalidConnectionError, isInWindow, readConnection } from './connections';
import type { ReplicationJob } from './replication-jobs';

export interface ScheduledConnection {
  readonly schedule: ConnectionSchedule;
  /** When the connection is due next, in ms since the epoch; undefined when disabled. */
  readonly nextRunAt?: number;
}

export interface SchedulerOptions {
  readonly server: string;
  readonly names: () => ReplicaState | undefined;
  readonly enqueue: (job: ReplicationJob) => void;
  readonly isQueued: (partner: string, origin: string) => boolean;
  /** Reports a Connection document that cannot be scheduled; called once per document revision. */
  readonly invalid: (unid: string, error: InvalidConnectionError) => void;
  readonly now?: () => number;
}

/**
 * Runs the Connection documents in names.nsf whose source is this server. Each tick reads
 * the documents again, so an edited or new document changes the schedule without a restart:
 * a connection is first due one interval after it is first seen, then one interval after each
 * run, and only inside its window.
 */
export class ConnectionScheduler {
  private readonly nextRun = new Map<string, { at: number; intervalSeconds: number }>();
  private readonly reported = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Enqueues every connection that is due; call about once a second. */
  tick(): void {
    const now = this.now();
    for (const { schedule, nextRunAt } of this.connections()) {
      if (nextRunAt === undefined || now < nextRunAt || !isInWindow(schedule, new Date(now))) continue;
      if (!this.options.isQueued(schedule.destination, schedule.unid)) {
        this.options.enqueue({ partner: schedule.destination, mode: schedule.type, databases: schedule.databases, origin: schedule.unid });
      }
      this.nextRun.set(schedule.unid, { at: now + schedule.intervalSeconds * 1000, intervalSeconds: schedule.intervalSeconds });
    }
  }

  /** This server's valid connections with their next run, for `show schedule`. */
  connections(): ScheduledConnection[] {
    const names = this.options.names();
    if (names === undefined) return [];
    const self = nameKey(this.options.server);
    const now = this.now();
    const result: ScheduledConnection[] = [];
    const seen = new Set<string>();

    for (const note of names.documentsOfForm(Forms.Connection)) {
      let schedule: ConnectionSchedule;
      try {
        schedule = readConnection(note);
      } catch (error) {
        if (!(error instanceof InvalidConnectionError)) throw error;
        const key = `${note.unid}#${note.revision.originator}#${note.revision.counter}`;
        if (!this.reported.has(key)) {
          this.reported.add(key);
          this.options.invalid(note.unid, error);
        }
        continue;
      }
      if (nameKey(schedule.source) !== self) continue;
      seen.add(schedule.unid);
      if (!schedule.enabled) {
        this.nextRun.delete(schedule.unid);
        result.push({ schedule });
        continue;
      }
      const planned = this.nextRun.get(schedule.unid);
      if (planned === undefined || planned.intervalSeconds !== schedule.intervalSeconds) {
        this.nextRun.set(schedule.unid, { at: now + schedule.intervalSeconds * 1000, intervalSeconds: schedule.intervalSeconds });
      }
      result.push({ schedule, nextRunAt: this.nextRun.get(schedule.unid)?.at });
    }
    for (const unid of this.nextRun.keys()) if (!seen.has(unid)) this.nextRun.delete(unid);
    return result;
  }
}
