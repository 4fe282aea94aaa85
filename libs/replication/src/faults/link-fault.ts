/**
 * Faults on one directed link between two servers. Probabilities are between 0 and 1;
 * times are in milliseconds.
 */
export interface LinkFault {
  /** Nothing gets through. */
  readonly partition?: boolean;
  readonly latencyMs?: number;
  /** Each message's delay varies by up to this much either way. */
  readonly jitterMs?: number;
  readonly drop?: number;
  readonly duplicate?: number;
  /** Share of messages held back behind later ones. */
  readonly reorder?: number;
}

/** A fault specification that cannot be read. */
export class InvalidFaultError extends Error {
  readonly code = 'INVALID_FAULT';

  constructor(
    readonly value: string,
    readonly reason: string,
  ) {
    super(`invalid fault "${value}": ${reason}`);
    this.name = 'InvalidFaultError';
  }
}

const MAX_DELAY_MS = 600_000;
const FAULT_WORDS = 'partition, latency 100ms, jitter 20ms, drop 10%, duplicate 5%, reorder 10%, or clear';
/** Fault kinds that take a value after them. */
const VALUED_FAULT_KINDS: ReadonlySet<string> = new Set(['latency', 'jitter', 'drop', 'duplicate', 'reorder']);

/**
 * Reads a fault from words such as `latency 100ms jitter 20ms drop 5%` or `partition`.
 * Returns undefined for `clear`.
 *
 * @throws InvalidFaultError naming the word and the accepted forms.
 */
export function parseLinkFault(words: readonly string[]): LinkFault | undefined {
  if (words.length === 0) throw new InvalidFaultError('', `give one or more of ${FAULT_WORDS}`);
  if (words.length === 1 && words[0].toLowerCase() === 'clear') return undefined;

  const fault: { -readonly [K in keyof LinkFault]: LinkFault[K] } = {};
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index].toLowerCase();
    if (word === 'partition') {
      fault.partition = true;
      continue;
    }
    if (!VALUED_FAULT_KINDS.has(word)) throw new InvalidFaultError(words[index], `unknown fault kind; use ${FAULT_WORDS}`);
    const value = words[index + 1];
    if (value === undefined) throw new InvalidFaultError(word, `${word} needs a value, e.g. ${word === 'latency' || word === 'jitter' ? '100ms' : '10%'}`);
    index += 1;
    switch (word) {
      case 'latency':
        fault.latencyMs = parseDuration(value);
        break;
      case 'jitter':
        fault.jitterMs = parseDuration(value);
        break;
      case 'drop':
        fault.drop = parseProbability(value);
        break;
      case 'duplicate':
        fault.duplicate = parseProbability(value);
        break;
      case 'reorder':
        fault.reorder = parseProbability(value);
        break;
      default:
        throw new InvalidFaultError(words[index - 1], `use ${FAULT_WORDS}`);
    }
  }
  return fault;
}

/** Formats a fault the way `parseLinkFault` reads it. */
export function formatLinkFault(fault: LinkFault | undefined): string {
  if (fault === undefined) return 'none';
  const parts: string[] = [];
  if (fault.partition === true) parts.push('partition');
  if (fault.latencyMs !== undefined) parts.push(`latency ${fault.latencyMs}ms`);
  if (fault.jitterMs !== undefined) parts.push(`jitter ${fault.jitterMs}ms`);
  if (fault.drop !== undefined) parts.push(`drop ${percent(fault.drop)}`);
  if (fault.duplicate !== undefined) parts.push(`duplicate ${percent(fault.duplicate)}`);
  if (fault.reorder !== undefined) parts.push(`reorder ${percent(fault.reorder)}`);
  return parts.length === 0 ? 'none' : parts.join(' ');
}

function parseDuration(text: string): number {
  if (/^-/.test(text.trim())) throw new InvalidFaultError(text, `a delay cannot be negative; write a time from 0ms to ${MAX_DELAY_MS / 1000}s, such as 100ms or 2s`);
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/i.exec(text.trim());
  if (match === null) throw new InvalidFaultError(text, 'write a time such as 100ms or 2s');
  const ms = Number(match[1]) * ((match[2] ?? 'ms').toLowerCase() === 's' ? 1000 : 1);
  if (ms > MAX_DELAY_MS) throw new InvalidFaultError(text, `delays are at most ${MAX_DELAY_MS / 1000}s`);
  return ms;
}

function parseProbability(text: string): number {
  if (/^-/.test(text.trim())) throw new InvalidFaultError(text, 'a share cannot be negative; write one from 0% to 100%, such as 10% or 0.1');
  const match = /^(\d+(?:\.\d+)?)(%)?$/.exec(text.trim());
  if (match === null) throw new InvalidFaultError(text, 'write a share such as 10% or 0.1');
  const value = Number(match[1]) / (match[2] === '%' ? 100 : 1);
  if (value < 0 || value > 1) throw new InvalidFaultError(text, 'a share lies between 0% and 100% (0 to 1 without %)');
  return value;
}

function percent(value: number): string {
  return `${Number((value * 100).toFixed(3))}%`;
}
