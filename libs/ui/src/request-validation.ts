import { MAX_COMMAND_LENGTH } from '@domsim/console';
import { abbreviate, tryNameKey } from '@domsim/names';
import { ANY_SERVER, InvalidFaultError, parseLinkFault } from '@domsim/replication';

/** A request the UI rejects before it changes anything; `status` is the HTTP status to send. */
export class UiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. Allow for 405. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'UiRequestError';
  }
}

/** Largest request body the UI reads, in bytes; a console command is at most 4,096 characters. */
export const MAX_BODY_BYTES = 16_384;

export function checkMethod(method: string | undefined, allowed: readonly string[], path: string): void {
  if (method !== undefined && allowed.includes(method)) return;
  throw new UiRequestError(405, 'METHOD_NOT_ALLOWED', `${method ?? 'a request without a method'} is not allowed on ${path}; use ${allowed.join(' or ')}`, { Allow: allowed.join(', ') });
}

/**
 * Rejects a request whose Host header is not one of the UI's own addresses, so a web page
 * on another name that resolves to 127.0.0.1 (DNS rebinding) cannot read the domain.
 */
export function checkHost(host: string | undefined, allowedHosts: readonly string[]): void {
  if (host !== undefined && allowedHosts.includes(host.toLowerCase())) return;
  throw new UiRequestError(403, 'FOREIGN_HOST', `Host header ${host === undefined ? '(missing)' : `"${host}"`} is not this UI's address; open ${allowedHosts[0]} instead`);
}

/**
 * Rejects a cross-site request. Requests that change state must carry an Origin header
 * equal to one of the UI's own origins. Other requests may omit it, as browsers do for
 * same-origin GETs, but a foreign one is rejected all the same.
 */
export function checkOrigin(origin: string | undefined, allowedOrigins: readonly string[], required: boolean): void {
  if (origin === undefined) {
    if (!required) return;
    throw new UiRequestError(403, 'MISSING_ORIGIN', `the request has no Origin header; send it from the UI page, or add the header Origin: ${allowedOrigins[0]}`);
  }
  if (allowedOrigins.includes(origin.toLowerCase())) return;
  throw new UiRequestError(403, 'FOREIGN_ORIGIN', `Origin "${origin}" is not this UI; only pages served from ${allowedOrigins[0]} may send requests`);
}

/** Parses a JSON object body. */
export function parseJsonBody(contentType: string | undefined, text: string): Record<string, unknown> {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new UiRequestError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type "${contentType ?? '(missing)'}" is not supported; send the body as application/json`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UiRequestError(400, 'INVALID_JSON', `the body is not valid JSON (${(error as Error).message}); send a JSON object such as {"server": "server1/renovations", "command": "show server"}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UiRequestError(400, 'INVALID_JSON', `the body is JSON but not an object (${JSON.stringify(value).slice(0, 40)}); send a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Requires HTTP Basic credentials. Checking them is left to the server whose console runs
 * the command, which accepts only an administrator listed in its Server document.
 */
export function requireBasicCredentials(authorization: string | undefined): string {
  const missing = 'log in with the name and Internet password of an administrator of the domain\'s servers';
  if (authorization === undefined || authorization.trim() === '') throw new UiRequestError(401, 'MISSING_CREDENTIALS', `no credentials were sent; ${missing}`);
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization.trim());
  if (match === null) throw new UiRequestError(401, 'INVALID_CREDENTIALS', `the Authorization header is not HTTP Basic; ${missing}`);
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  if (decoded.indexOf(':') <= 0) throw new UiRequestError(401, 'INVALID_CREDENTIALS', `the Basic credentials hold no name; ${missing}`);
  return `Basic ${match[1]}`;
}

/** Resolves a typed server name to the canonical name of one of `servers`. */
export function resolveServer(typed: unknown, servers: readonly string[], field: string): string {
  if (typeof typed !== 'string' || typed.trim() === '') {
    throw new UiRequestError(400, 'MISSING_SERVER', `"${field}" is missing or not a string; give a server name such as ${listServers(servers)}`);
  }
  const key = tryNameKey(typed);
  const match = key === undefined ? undefined : servers.find((server) => tryNameKey(server) === key);
  if (match === undefined) {
    throw new UiRequestError(400, 'UNKNOWN_SERVER', `server "${typed}" in "${field}" is not in this domain; its servers are ${listServers(servers)}`);
  }
  return match;
}

function listServers(servers: readonly string[]): string {
  return servers.map((server) => abbreviate(server)).join(', ');
}

function rejectUnknownFields(body: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new UiRequestError(400, 'UNKNOWN_FIELD', `unknown field "${unknown[0]}"; the request takes ${known.length === 0 ? 'no fields' : known.map((key) => `"${key}"`).join(', ')}`);
  }
}

/** C0 and C1 control characters, DEL and the Unicode line and paragraph separators, tab included. */
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** Formats a character as U+XXXX. */
function codePointOf(character: string): string {
  return `U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

export interface CommandRequest {
  readonly server: string;
  readonly command: string;
}

/** Body of POST /api/console: {"server": "...", "command": "..."}. */
export function validateCommandRequest(body: Record<string, unknown>, servers: readonly string[]): CommandRequest {
  rejectUnknownFields(body, ['server', 'command']);
  const server = resolveServer(body.server, servers, 'server');
  const command = body.command;
  if (typeof command !== 'string' || command.trim() === '') {
    throw new UiRequestError(400, 'MISSING_COMMAND', '"command" is missing or empty; give a console command such as "show idvault"');
  }
  if (command.length > MAX_COMMAND_LENGTH) {
    throw new UiRequestError(400, 'COMMAND_TOO_LONG', `"command" is ${command.length} characters long; a console command may have at most ${MAX_COMMAND_LENGTH}`);
  }
  const control = CONTROL_CHARACTER.exec(command);
  if (control !== null) {
    // The message gives the position only, because the command may hold a password.
    throw new UiRequestError(400, 'INVALID_CHARACTER', `"command" contains the control character ${codePointOf(control[0])} at position ${control.index + 1}; a console command is one line of printable characters`);
  }
  return { server, command: command.trim() };
}

export interface FaultRequest {
  /** Canonical server name or `*`. */
  readonly from: string;
  readonly to: string;
  /** The fault words, already checked by `parseLinkFault`. */
  readonly fault: string;
}

/** Body of POST /api/fault: {"from": "...", "to": "...", "fault": "latency 200ms"}; "*" stands for every server. */
export function validateFaultRequest(body: Record<string, unknown>, servers: readonly string[]): FaultRequest {
  rejectUnknownFields(body, ['from', 'to', 'fault']);
  const from = body.from === ANY_SERVER ? ANY_SERVER : resolveServer(body.from, servers, 'from');
  const to = body.to === ANY_SERVER ? ANY_SERVER : resolveServer(body.to, servers, 'to');
  if (from !== ANY_SERVER && from === to) {
    throw new UiRequestError(400, 'SAME_SERVER', `"from" and "to" are both ${abbreviate(from)}; a link fault needs two different servers`);
  }
  if (typeof body.fault !== 'string') {
    throw new UiRequestError(400, 'INVALID_FAULT', '"fault" is missing or not a string; give e.g. "partition", "latency 200ms", "drop 10%" or "clear"');
  }
  const words = body.fault.split(/\s+/).filter((word) => word !== '');
  try {
    parseLinkFault(words);
  } catch (error) {
    if (error instanceof InvalidFaultError) throw new UiRequestError(400, error.code, `${error.message}; e.g. "partition", "latency 200ms", "drop 10%" or "clear"`);
    throw error;
  }
  return { from, to, fault: words.join(' ') };
}

/** Body of POST /api/heal and /api/demo: an empty object. */
export function validateEmptyRequest(body: Record<string, unknown>): void {
  rejectUnknownFields(body, []);
}
