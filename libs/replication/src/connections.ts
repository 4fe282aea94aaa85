import { type Note, textItem, textListItem } from '@domsim/directory';
import { tryNameKey } from '@domsim/names';

/** Replication types of a Connection document; the calling (source) server does the work. */
export const REPLICATION_TYPES = ['pull-push', 'pull-pull', 'push-only', 'pull-only'] as const;
export type ReplicationType = (typeof REPLICATION_TYPES)[number];

/** A validated Connection document: when and how the source server replicates with the destination. */
export interface ConnectionSchedule {
  readonly unid: string;
  /** Canonical name of the calling server. */
  readonly source: string;
  readonly destination: string;
  readonly type: ReplicationType;
  /** Database paths to replicate; empty means every database both servers hold. */
  readonly databases: readonly string[];
  readonly intervalSeconds: number;
  /** Minutes after local midnight when the window opens and closes; 0 and 1440 for all day. */
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly enabled: boolean;
}

/** A Connection document that cannot be scheduled, with the reason. */
export class InvalidConnectionError extends Error {
  readonly code = 'INVALID_CONNECTION';

  constructor(
    readonly field: string,
    readonly value: string,
    readonly reason: string,
  ) {
    super(`invalid ${field} "${value}": ${reason}`);
    this.name = 'InvalidConnectionError';
  }
}

export const MIN_INTERVAL_SECONDS = 1;
export const MAX_INTERVAL_SECONDS = 7 * 24 * 3600;

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Parses a repeat interval such as `60s`, `5m`, `1h` or a bare number of seconds.
 *
 * @throws InvalidConnectionError naming the value and the accepted forms.
 */
export function parseInterval(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text);
  if (match === null) {
    throw new InvalidConnectionError('repeat interval', text, 'write a number with s, m, h or d, e.g. 60s or 30m');
  }
  const seconds = Number(match[1]) * UNITS[(match[2] || 's').toLowerCase()];
  if (!(seconds >= MIN_INTERVAL_SECONDS && seconds <= MAX_INTERVAL_SECONDS)) {
    throw new InvalidConnectionError('repeat interval', text, `it must be between ${MIN_INTERVAL_SECONDS}s and ${MAX_INTERVAL_SECONDS / 86_400}d`);
  }
  return Math.round(seconds);
}

/** Formats seconds the way `parseInterval` reads them back. */
export function formatInterval(seconds: number): string {
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/**
 * Parses a time window `HH:MM-HH:MM` (24-hour clock, local time). `00:00-24:00` is all day;
 * a window whose end is before its start runs over midnight.
 */
export function parseWindow(text: string): { start: number; end: number } {
  const match = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (match === null) {
    throw new InvalidConnectionError('schedule window', text, 'write it as HH:MM-HH:MM on a 24-hour clock, e.g. 08:00-22:00');
  }
  const [startHour, startMinute, endHour, endMinute] = match.slice(1).map(Number);
  const start = startHour * 60 + startMinute;
  const end = endHour * 60 + endMinute;
  if (startHour > 23 || startMinute > 59 || endHour > 24 || endMinute > 59 || end > 1440 || start === end) {
    throw new InvalidConnectionError('schedule window', text, 'hours run 00-24 and minutes 00-59, and the window must not be empty');
  }
  return { start, end };
}

export function formatWindow(start: number, end: number): string {
  const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${clock(start)}-${clock(end)}`;
}

export function parseReplicationType(text: string): ReplicationType {
  const normalized = text.trim().toLowerCase().replace(/[\s_]+/g, '-');
  const type = REPLICATION_TYPES.find((candidate) => candidate === normalized);
  if (type === undefined) {
    throw new InvalidConnectionError('replication type', text, `use one of ${REPLICATION_TYPES.join(', ')}`);
  }
  return type;
}

/** True when `time` (local) lies inside the schedule's window. */
export function isInWindow(schedule: Pick<ConnectionSchedule, 'windowStart' | 'windowEnd'>, time: Date): boolean {
  const minute = time.getHours() * 60 + time.getMinutes();
  if (schedule.windowStart < schedule.windowEnd) return minute >= schedule.windowStart && minute < schedule.windowEnd;
  return minute >= schedule.windowStart || minute < schedule.windowEnd;
}

/**
 * Reads a Connection document.
 *
 * @throws InvalidConnectionError for a missing or unusable item.
 */
export function readConnection(note: Note): ConnectionSchedule {
  const source = textItem(note.items, 'Source');
  const destination = textItem(note.items, 'Destination');
  if (tryNameKey(source) === undefined) throw new InvalidConnectionError('source server', source, 'give a hierarchical server name');
  if (tryNameKey(destination) === undefined) throw new InvalidConnectionError('destination server', destination, 'give a hierarchical server name');
  if (tryNameKey(source) === tryNameKey(destination)) throw new InvalidConnectionError('destination server', destination, 'a server cannot replicate with itself');
  const window = parseWindow(textItem(note.items, 'Window') || '00:00-24:00');
  return {
    unid: note.unid,
    source,
    destination,
    type: parseReplicationType(textItem(note.items, 'RepType') || 'pull-push'),
    databases: textListItem(note.items, 'Databases'),
    intervalSeconds: parseInterval(textItem(note.items, 'Interval') || '60m'),
    windowStart: window.start,
    windowEnd: window.end,
    enabled: textItem(note.items, 'Enabled') !== '0',
  };
}
