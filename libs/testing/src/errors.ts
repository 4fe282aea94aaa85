/** The builder was given settings that cannot be combined or are out of range. */
export class InvalidTestDomainError extends Error {
  readonly code = 'INVALID_TEST_DOMAIN';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidTestDomainError';
  }
}

/** Replicas still differed when the deadline passed. */
export class ConvergenceTimeoutError extends Error {
  readonly code = 'CONVERGENCE_TIMEOUT';

  constructor(
    readonly timeoutMs: number,
    /** Per replica path, the digest each server reported, or the servers that did not respond. */
    readonly differences: readonly string[],
  ) {
    super(`replicas did not converge within ${timeoutMs} ms:\n${differences.map((line) => `  ${line}`).join('\n')}`);
    this.name = 'ConvergenceTimeoutError';
  }
}

/** Some servers did not apply a change before the deadline. */
export class LagTimeoutError extends Error {
  readonly code = 'LAG_TIMEOUT';

  constructor(
    readonly timeoutMs: number,
    readonly missing: readonly string[],
  ) {
    super(`the change did not reach ${missing.join(', ')} within ${timeoutMs} ms`);
    this.name = 'LagTimeoutError';
  }
}

/** The NATS server for a test domain could not be started the way it was requested. */
export class TestNatsError extends Error {
  readonly code = 'TEST_NATS';

  constructor(message: string) {
    super(message);
    this.name = 'TestNatsError';
  }
}
