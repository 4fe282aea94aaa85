/** Destination of the UI server's start, stop and error messages; no message contains a secret. */
export interface UiLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Writes each message as one line to standard error, prefixed with `domsim ui`; control characters are escaped. */
export function stderrLogger(): UiLogger {
  const write = (level: string, message: string) => process.stderr.write(`domsim ui ${level}: ${escapeControlCharacters(message)}\n`);
  return {
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message) => write('error', message),
  };
}

/**
 * Replaces control characters, DEL and the Unicode line separators with \uXXXX escapes, so a
 * value quoted in a message cannot start a forged log line or move the terminal cursor.
 */
export function escapeControlCharacters(message: string): string {
  return message.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
