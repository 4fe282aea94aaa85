/** Exit status of the domsim command. */
export const ExitCode = {
  Ok: 0,
  /** The command ran and failed: a console command's error, a server that did not start. */
  Failed: 1,
  /** The command line or its input was wrong; nothing was done. */
  Usage: 2,
} as const;

/** An error the CLI prints as is (no stack) before exiting with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
