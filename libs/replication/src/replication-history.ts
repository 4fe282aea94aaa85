import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

import { nameKey } from '@domsim/names';

export type HistoryDirection = 'pull' | 'push';

/** The last replication with one partner, for one replica and one direction. */
export interface HistoryEntry {
  readonly replicaId: string;
  readonly partner: string;
  readonly direction: HistoryDirection;
  /** When the last session that finished without error ended; absent before the first. */
  readonly lastSuccessAt?: number;
  readonly lastAttemptAt: number;
  readonly lastError?: string;
  /** Notes the last successful session added, updated and deleted on the receiving side. */
  readonly added: number;
  readonly updated: number;
  readonly deleted: number;
}

/**
 * Replication history per partner and direction, as Domino keeps it in each replica. An entry
 * moves to a new success time only when a session finished and what it received is durably
 * stored; a failed session records only the attempt and its error. Written atomically to a
 * JSON file when a file is given.
 */
export class ReplicationHistory {
  private readonly entries = new Map<string, HistoryEntry>();

  constructor(private readonly file?: string) {
    if (file !== undefined && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as HistoryEntry[];
      for (const entry of saved) this.entries.set(keyOf(entry.replicaId, entry.partner, entry.direction), entry);
    }
  }

  recordSuccess(replicaId: string, partner: string, direction: HistoryDirection, counts: { added: number; updated: number; deleted: number }, at = Date.now()): void {
    this.entries.set(keyOf(replicaId, partner, direction), { replicaId, partner, direction, lastSuccessAt: at, lastAttemptAt: at, ...counts });
    this.persist();
  }

  recordFailure(replicaId: string, partner: string, direction: HistoryDirection, error: string, at = Date.now()): void {
    const previous = this.get(replicaId, partner, direction);
    this.entries.set(keyOf(replicaId, partner, direction), {
      replicaId,
      partner,
      direction,
      lastSuccessAt: previous?.lastSuccessAt,
      lastAttemptAt: at,
      lastError: error,
      added: previous?.added ?? 0,
      updated: previous?.updated ?? 0,
      deleted: previous?.deleted ?? 0,
    });
    this.persist();
  }

  get(replicaId: string, partner: string, direction: HistoryDirection): HistoryEntry | undefined {
    return this.entries.get(keyOf(replicaId, partner, direction));
  }

  all(): HistoryEntry[] {
    return [...this.entries.values()].sort((a, b) => a.partner.localeCompare(b.partner) || a.replicaId.localeCompare(b.replicaId) || a.direction.localeCompare(b.direction));
  }

  private persist(): void {
    if (this.file === undefined) return;
    const temporary = `${this.file}.tmp`;
    const descriptor = openSync(temporary, 'w', 0o600);
    try {
      writeSync(descriptor, JSON.stringify(this.all(), null, 2));
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, this.file);
  }
}

function keyOf(replicaId: string, partner: string, direction: HistoryDirection): string {
  return `${replicaId}|${nameKey(partner)}|${direction}`;
}
