/** One problem in a topology file: where, which field, and why. */
export interface TopologyProblem {
  readonly field: string;
  readonly reason: string;
}

/** A topology file that cannot be used. The message lists every problem found, one per line. */
export class InvalidTopologyError extends Error {
  readonly code = 'INVALID_TOPOLOGY';

  constructor(
    readonly file: string,
    readonly problems: readonly TopologyProblem[],
  ) {
    const shown = problems.slice(0, 20).map((problem) => `  ${file}: ${problem.field}: ${problem.reason}`);
    const more = problems.length > 20 ? [`  ... and ${problems.length - 20} more`] : [];
    super([`invalid topology file ${file}:`, ...shown, ...more].join('\n'));
    this.name = 'InvalidTopologyError';
  }
}
