/**
 * A console command that ran and failed. `lines` is what the console prints; `code` is the
 * stable code clients branch on, e.g. UNKNOWN_SERVER.
 */
export class CommandFailure extends Error {
  constructor(
    readonly code: string,
    readonly lines: readonly string[],
  ) {
    super(lines.join('\n'));
    this.name = 'CommandFailure';
  }
}
