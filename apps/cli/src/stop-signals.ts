import { constants } from 'node:os';

/** Signals that ask domsim to stop: Ctrl-C, `kill`, and the terminal closing. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The stop signals received while a command runs. */
export interface StopSignalWatch {
  /** Aborted at the first stop signal. */
  readonly signal: AbortSignal;
  /** The first stop signal received, if any. */
  received(): NodeJS.Signals | undefined;
  /** Resolves with the first stop signal. */
  next(): Promise<NodeJS.Signals>;
  /** Removes the handlers; the default action (exit) applies again. */
  dispose(): void;
}

/**
 * Handles SIGINT, SIGTERM and SIGHUP until disposed: the first one aborts `signal` so the
 * command can stop what it started; a second one calls `onRepeat`, for a user who does not
 * want to wait for an orderly stop.
 */
export function watchStopSignals(onRepeat: (signal: NodeJS.Signals) => void): StopSignalWatch {
  const controller = new AbortController();
  let first: NodeJS.Signals | undefined;
  const waiters: Array<(signal: NodeJS.Signals) => void> = [];

  const handle = (signal: NodeJS.Signals) => {
    if (first !== undefined) {
      onRepeat(signal);
      return;
    }
    first = signal;
    controller.abort();
    for (const wake of waiters.splice(0)) wake(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handle);

  return {
    signal: controller.signal,
    received: () => first,
    next: () => (first !== undefined ? Promise.resolve(first) : new Promise((resolveSignal) => waiters.push(resolveSignal))),
    dispose: () => {
      for (const signal of STOP_SIGNALS) process.off(signal, handle);
    },
  };
}

/** The conventional exit status of a process stopped by a signal: 128 plus the signal number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
