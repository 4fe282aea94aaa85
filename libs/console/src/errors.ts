export type ConsoleInputErrorCode =
  | 'EMPTY_COMMAND'
  | 'UNBALANCED_QUOTE'
  | 'UNEXPECTED_QUOTE'
  | 'INVALID_CHARACTER'
  | 'COMMAND_TOO_LONG'
  | 'UNKNOWN_COMMAND'
  | 'AMBIGUOUS_COMMAND'
  | 'MISSING_ARGUMENT'
  | 'TOO_MANY_ARGUMENTS'
  | 'INVALID_SECRET'
  | 'UNKNOWN_STATISTIC';

/** A console line that cannot be run as typed. The message is what the console shows. */
export class ConsoleInputError extends Error {
  constructor(
    readonly code: ConsoleInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleInputError';
  }
}
