/** The thread ids in a console line prefix. */
export interface ConsoleThread {
  readonly pid: number;
  /** Domino's virtual thread number, printed as 6 digits. */
  readonly virtualThread: number;
  /** The OS thread id, printed as 16 hex digits. */
  readonly osThread: bigint;
}

/**
 * Formats the prefix Domino on Linux puts before every console line:
 * `[003411:000002-00007F50A6C5E740] 12/04/2026 19:46:18` (pid, virtual thread, OS thread,
 * then local date and time).
 */
export function consolePrefix(thread: ConsoleThread, time: Date): string {
  const pid = String(thread.pid).padStart(6, '0');
  const virtualThread = String(thread.virtualThread).padStart(6, '0');
  const osThread = thread.osThread.toString(16).toUpperCase().padStart(16, '0');
  return `[${pid}:${virtualThread}-${osThread}] ${formatConsoleTime(time)}`;
}

/** Formats lines of one command or one log event: all share one prefix, then three spaces and the text. */
export function formatConsoleLines(lines: readonly string[], thread: ConsoleThread, time: Date): string[] {
  const prefix = consolePrefix(thread, time);
  return lines.map((line) => `${prefix}   ${line}`);
}

/** `MM/DD/YYYY HH:MM:SS` in local time, 24-hour clock. */
export function formatConsoleTime(time: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(time.getMonth() + 1)}/${two(time.getDate())}/${time.getFullYear()} ${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}`;
}

/** A typed command as the console echoes it. Pass the masked line. */
export function echoLine(maskedCommand: string): string {
  return `> ${maskedCommand}`;
}
