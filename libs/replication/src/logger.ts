/** The logging surface the replication code needs; the server passes its Nest logger. */
export interface ReplicationLogger {
  log(message: string, ...context: unknown[]): void;
  debug(message: string, ...context: unknown[]): void;
  warn(message: string, ...context: unknown[]): void;
  error(message: string, ...context: unknown[]): void;
}

/**
 * Logs a kind of problem at most once per interval and counts the rest, so a flood of bad
 * messages cannot flood the log.
 */
export class RateLimitedWarnings {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: ReplicationLogger,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(kind: string, message: string): void {
    const entry = this.last.get(kind);
    const now = this.now();
    if (entry !== undefined && now - entry.at < this.intervalMs) {
      entry.suppressed += 1;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.last.set(kind, { at: now, suppressed: 0 });
    this.logger.warn(suppressed > 0 ? `${message} (${suppressed} more of this kind since the last report)` : message);
  }
}
