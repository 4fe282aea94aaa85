/** Raised when text cannot be read as a Domino hierarchical name or trust pattern. */
export class InvalidNameError extends Error {
  readonly code = 'INVALID_NAME';

  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid name "${input}": ${reason}`);
    this.name = 'InvalidNameError';
  }
}
