/** No nats-server executable was found. The message says how to install one. */
export class NatsServerNotFoundError extends Error {
  readonly code = 'NATS_SERVER_NOT_FOUND';

  constructor(readonly searched: readonly string[]) {
    super(
      [
        `nats-server was not found (looked for ${searched.slice(0, 3).join(', ')}${searched.length > 3 ? ', ...' : ''}).`,
        'Install it: sudo apt-get install -y nats-server   (Debian and Ubuntu)',
        '        or: brew install nats-server             (macOS)',
        'or set DOMSIM_NATS_SERVER to its path, or pass --nats nats://HOST:PORT to use a running NATS server.',
      ].join('\n'),
    );
    this.name = 'NatsServerNotFoundError';
  }
}

/** A process did not become ready before its deadline. */
export class StartTimeoutError extends Error {
  readonly code = 'START_TIMEOUT';

  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly details: string,
  ) {
    super(`${what} did not become ready within ${timeoutMs} ms${details === '' ? '' : `:\n${details}`}`);
    this.name = 'StartTimeoutError';
  }
}

/** A start was stopped on request (a signal such as Ctrl-C) before it finished. */
export class StartAbortedError extends Error {
  readonly code = 'START_ABORTED';

  constructor() {
    super('the start was interrupted; every process it had started is stopped');
    this.name = 'StartAbortedError';
  }
}
