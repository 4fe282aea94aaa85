export interface EventuallyOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Says what was awaited, for the error at the deadline. */
  readonly description?: string;
}

/**
 * Runs an assertion until it passes or the deadline passes, then rethrows its last
 * failure. Tests wait on conditions this way instead of sleeping.
 */
export async function eventually<T>(assertion: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) {
        const what = options.description === undefined ? 'the condition' : options.description;
        const cause = error instanceof Error ? error.message : String(error);
        throw new Error(`${what} did not hold within ${timeoutMs} ms; last failure: ${cause}`);
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
    }
  }
}
