import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** One line of the results table. */
export interface Result {
  readonly suite: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The floor measured in the same run, in the same unit, and what it is. */
  readonly floor?: { readonly value: number; readonly what: string };
  /**
   * The target, and whether lower or higher is better. `maxFloorRatio` adds a second
   * condition: the value may be at most that many times the floor.
   */
  readonly target?: { readonly value: number; readonly better: 'lower' | 'higher'; readonly maxFloorRatio?: number };
  readonly note?: string;
  /** Key of the explanation in the bench's BOUNDS that applies when the target is missed; by default the suite's first word. */
  readonly bound?: string;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly natsServer: string;
  readonly os: string;
}

export function describeMachine(natsServerBinary: string): Machine {
  const version = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n')[0];
    } catch {
      return 'unknown';
    }
  };
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    natsServer: version(natsServerBinary, ['--version']),
    os: version('uname', ['-sr']),
  };
}

function format(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = unit === 'ms' && value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

function floorRatio(result: Result): number | undefined {
  return result.floor === undefined || result.floor.value === 0 ? undefined : result.value / result.floor.value;
}

/** Returns true when the result misses its target: its value, or its ratio to the floor where the target sets one. */
export function isMissed(result: Result): boolean {
  if (result.target === undefined) return false;
  const valueMet = result.target.better === 'lower' ? result.value <= result.target.value : result.value >= result.target.value;
  const ratio = floorRatio(result);
  const ratioMet = result.target.maxFloorRatio === undefined || ratio === undefined || ratio <= result.target.maxFloorRatio;
  return !(valueMet && ratioMet);
}

function verdict(result: Result): string {
  if (result.target === undefined) return '';
  if (!isMissed(result)) return 'met';
  const misses: string[] = [];
  const valueRatio = result.target.better === 'lower' ? result.value / result.target.value : result.target.value / result.value;
  if (valueRatio > 1) misses.push(`${valueRatio.toFixed(1)}x off`);
  const ratio = floorRatio(result);
  if (result.target.maxFloorRatio !== undefined && ratio !== undefined && ratio > result.target.maxFloorRatio) {
    misses.push(`${(ratio / result.target.maxFloorRatio).toFixed(1)}x over ${result.target.maxFloorRatio}x the floor`);
  }
  return `missed (${misses.join(', ')})`;
}

/** The results page: machine, command, date, the table, and what bounds each missed target. */
export function renderMarkdown(results: readonly Result[], machine: Machine, command: string, date: Date, bounds: readonly string[]): string {
  const rows = results.map((result) => {
    const floor = result.floor === undefined ? '' : `${format(result.floor.value, result.unit)} (${result.floor.what})`;
    const ratio = floorRatio(result)?.toFixed(2) ?? '';
    const target =
      result.target === undefined
        ? ''
        : `${result.target.better === 'lower' ? '≤' : '≥'} ${format(result.target.value, result.unit)}${result.target.maxFloorRatio === undefined ? '' : `, ≤ ${result.target.maxFloorRatio}x floor`}`;
    return `| ${result.suite} | ${result.metric} | ${format(result.value, result.unit)} | ${floor} | ${ratio} | ${target} | ${verdict(result)} |`;
  });
  return [
    '# Benchmarks',
    '',
    `Measured ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\`, which writes this page and`,
    '`bench/results/latest.json` (every sample). Each figure stands beside a floor measured in the',
    'same run: the same work with nothing of domsim around it. Ratio is value / floor.',
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Node.js ${machine.node}; ${machine.natsServer}.`,
    '',
    '| suite | metric | value | floor | ratio | target | result |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(results.some((result) => result.note !== undefined) ? ['## Notes', '', ...results.filter((result) => result.note !== undefined).map((result) => `- ${result.suite}, ${result.metric}: ${result.note}`), ''] : []),
    ...(bounds.length > 0 ? ['## What bounds the missed targets', '', ...bounds.map((line) => `- ${line}`), ''] : []),
  ].join('\n');
}
