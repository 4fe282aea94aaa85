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
  /** The target, and whether lower or higher is better. */
  readonly target?: { readonly value: number; readonly better: 'lower' | 'higher' };
  readonly note?: string;
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

function verdict(result: Result): string {
  if (result.target === undefined) return '';
  const met = result.target.better === 'lower' ? result.value <= result.target.value : result.value >= result.target.value;
  if (met) return 'met';
  const ratio = result.target.better === 'lower' ? result.value / result.target.value : result.target.value / result.value;
  return `missed (${ratio.toFixed(1)}x off)`;
}

/** The results page: machine, command, date, the table, and what bounds each missed target. */
export function renderMarkdown(results: readonly Result[], machine: Machine, command: string, date: Date, bounds: readonly string[]): string {
  const rows = results.map((result) => {
    const floor = result.floor === undefined ? '' : `${format(result.floor.value, result.unit)} (${result.floor.what})`;
    const ratio = result.floor === undefined || result.floor.value === 0 ? '' : `${(result.value / result.floor.value).toFixed(2)}`;
    const target = result.target === undefined ? '' : `${result.target.better === 'lower' ? '≤' : '≥'} ${format(result.target.value, result.unit)}`;
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
