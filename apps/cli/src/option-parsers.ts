import { InvalidArgumentError } from 'commander';

import { MAX_CLUSTER_NODES } from '@domsim/launcher';

import { CliError, ExitCode } from './cli-error';

/** Maximum --timeout, in seconds: one hour. */
export const MAX_TIMEOUT_SECONDS = 3600;

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60 };

/**
 * Parses a --timeout value into seconds: a positive number with the unit ms, s or m, or a bare
 * number of seconds, at most MAX_TIMEOUT_SECONDS.
 */
export function parseTimeout(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/i.exec(value.trim());
  const accepted = `write a positive time such as 30s, 500ms or 2m (a bare number is seconds), at most ${MAX_TIMEOUT_SECONDS / 60}m`;
  if (match === null) throw new InvalidArgumentError(`"${value}" is not a time; ${accepted}.`);
  const seconds = Number(match[1]) * (DURATION_UNITS[(match[2] ?? 's').toLowerCase()] as number);
  if (seconds <= 0) throw new InvalidArgumentError(`"${value}" is not positive; ${accepted}.`);
  if (seconds > MAX_TIMEOUT_SECONDS) throw new InvalidArgumentError(`"${value}" is longer than the maximum; ${accepted}.`);
  return seconds;
}

const NATS_URL_FORM = 'write nats://HOST:PORT or tls://HOST:PORT (port 1 to 65535, default 4222), several separated by commas, e.g. nats://127.0.0.1:4222';

/**
 * Validates a --nats value: one or more comma-separated nats:// or tls:// URLs, each with a
 * host and, where given, a port from 1 to 65535. Returns the URLs joined by commas, trimmed.
 */
export function parseNatsUrls(value: string): string {
  const urls = value.split(',').map((url) => url.trim());
  for (const url of urls) {
    const problem = natsUrlProblem(url);
    if (problem === undefined) continue;
    const message = `"${withoutUserInfo(url)}" ${problem}; ${NATS_URL_FORM}.`;
    // commander quotes the raw argument in an InvalidArgumentError, so a URL with a login fails as a CliError.
    if (withoutUserInfo(url) !== url) throw new CliError(`invalid --nats: ${message}`, ExitCode.Usage);
    throw new InvalidArgumentError(message);
  }
  return urls.join(',');
}

function natsUrlProblem(url: string): string | undefined {
  if (url === '') return 'is empty';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (scheme === null) return 'has no scheme';
  if (!['nats', 'tls'].includes(scheme[1].toLowerCase())) return `has the scheme ${scheme[1]}: instead of nats: or tls:`;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/i.exec(url);
  const [host, port] = [authority?.[1] ?? '', authority?.[2]];
  if (host === '') return 'has no host';
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) return `has the port "${port}", not a number from 1 to 65535`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (parsed.pathname !== '' && parsed.pathname !== '/') return `has the path ${parsed.pathname}, which NATS does not use`;
  // A login in the URL would reach the process list and run.json; servers read it from the environment.
  if (parsed.username !== '' || parsed.password !== '') {
    return 'contains a NATS login; remove it from the URL and set DOMSIM_NATS_USER and DOMSIM_NATS_PASSWORD instead';
  }
  return undefined;
}

/** The URL with any user and password replaced by ***, so an error message never repeats a password. */
function withoutUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}

export function parseClusterSize(value: string): number {
  const nodes = Number(value);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_CLUSTER_NODES) throw new InvalidArgumentError(`"${value}" is not a node count from 1 to ${MAX_CLUSTER_NODES}`);
  return nodes;
}

export function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError(`"${value}" is not a whole number from 1`);
  return number;
}

/** Rejects an empty --data value, which would otherwise mean the current directory. */
export function parseDirectory(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('the directory is empty; give a path such as ./domain');
  return value;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535) throw new InvalidArgumentError(`"${value}" is not a port number from 0 to 65535 (0 picks a free port)`);
  return port;
}
