/** Destination of the UI server's start, stop and error messages; no message contains a secret. */
export interface UiLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Writes each message as one line to standard error, prefixed with `domsim ui`. */
export function stderrLogger(): UiLogger {
  const write = (level: string, message: string) => process.stderr.write(`domsim ui ${level}: ${message}\n`);
  return {
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message) => write('error', message),
  };
}
