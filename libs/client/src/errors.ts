import { abbreviate, InvalidNameError } from '@domsim/names';

/** A server did not answer a request over NATS. */
export class ServerUnreachableError extends Error {
  readonly code = 'SERVER_UNREACHABLE';

  constructor(
    readonly server: string,
    readonly reason: 'no responders' | 'timeout',
    readonly timeoutMs: number,
  ) {
    super(
      reason === 'no responders'
        ? `server ${displayName(server)} is not connected to NATS; start the domain with domsim up, or check the server name`
        : `server ${displayName(server)} did not answer within ${timeoutMs} ms; it may be busy or stopping`,
    );
    this.name = 'ServerUnreachableError';
  }
}

/** A server answered with an error that is not a console failure. */
export class ServerRequestError extends Error {
  readonly code: string;

  constructor(
    readonly server: string,
    code: string,
    message: string,
  ) {
    super(message);
    this.code = code;
    this.name = 'ServerRequestError';
  }
}

/** Formats a server name for messages in the abbreviated form the CLI and the console print, as Domino does. */
export function displayName(server: string): string {
  try {
    return abbreviate(server);
  } catch (error) {
    if (error instanceof InvalidNameError) return server;
    throw error;
  }
}
