import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ConsoleReply, ConsoleRequest, DomainClient } from '@domsim/client';
import { CONSOLE_PUBLIC_KEY_FILE, dominoCommandRegistry, sealCommand } from '@domsim/console';
import { abbreviate } from '@domsim/names';

import { UiRequestError } from './request-validation';

export interface RelayServer {
  readonly name: string;
  /** Absolute data directory, where the server keeps its console key; undefined for a server on another machine. */
  readonly dataDir?: string;
}

/** Time a server's HTTP console may take to respond, in milliseconds. */
const CONSOLE_TIMEOUT_MS = 60_000;

/**
 * Runs console commands through each server's HTTP console (POST /api/console), passing on
 * the browser's HTTP Basic credentials. The server itself checks them: the person's
 * Internet password, and the person in the Administrators field of its Server document.
 * Secret arguments (the certifier password of `mfamgmt create trustcert`) are masked and
 * sealed for the server's console key before they leave this process, as `domsim exec`
 * does, so they never cross the network in clear and every echo shows asterisks.
 */
export class ConsoleRelay {
  private readonly registry = dominoCommandRegistry();

  constructor(
    private readonly client: DomainClient,
    private readonly servers: readonly RelayServer[],
  ) {}

  async run(server: string, command: string, authorization: string): Promise<ConsoleReply> {
    const health = await this.client.health(server, 2_000).catch(() => undefined);
    if (health === undefined) {
      throw new UiRequestError(503, 'SERVER_UNREACHABLE', `server ${abbreviate(server)} does not respond over NATS; start it (domsim server start ${abbreviate(server)}) and try again`);
    }
    if (health.http === undefined) {
      throw new UiRequestError(409, 'HTTP_DISABLED', `server ${abbreviate(server)} has HTTP disabled, so its console cannot check administrator credentials; enable http for it in the topology`);
    }

    const sealed = sealCommand(command, this.registry, this.consoleKeyOf(server, health.consoleKey));
    const request: ConsoleRequest = sealed;
    let response: Response;
    try {
      response = await fetch(`http://${hostPort(health.http)}/api/console`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: authorization },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(CONSOLE_TIMEOUT_MS),
      });
    } catch (error) {
      throw new UiRequestError(502, 'CONSOLE_FAILED', `the HTTP console of ${abbreviate(server)} at ${health.http} failed to respond: ${(error as Error).message}`);
    }

    if (response.ok) return (await response.json()) as ConsoleReply;
    const reason = await errorMessageOf(response);
    if (response.status === 401) {
      throw new UiRequestError(401, 'INVALID_CREDENTIALS', `${abbreviate(server)} rejected the credentials: ${reason}`);
    }
    // 403 covers a name that is not an administrator and an account locked after failed logins; the reason says which.
    if (response.status === 403) throw new UiRequestError(403, 'FORBIDDEN', `${abbreviate(server)} rejected the request: ${reason}`);
    throw new UiRequestError(502, 'CONSOLE_FAILED', `the HTTP console of ${abbreviate(server)} responded with status ${response.status}: ${reason}`);
  }

  /** Returns the console key from the server's data directory when this machine has it, else the key in its health reply. */
  private consoleKeyOf(server: string, announced: string): string {
    const dataDir = this.servers.find((candidate) => candidate.name === server)?.dataDir;
    const file = dataDir === undefined ? undefined : join(dataDir, CONSOLE_PUBLIC_KEY_FILE);
    // NOTE: without the key file, a key announced over NATS is trusted on first use, as DomainClient does.
    return file !== undefined && existsSync(file) ? readFileSync(file, 'utf8') : announced;
  }
}

/** Formats an address as "host:port", with an IPv6 host in brackets. */
function hostPort(address: string): string {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator);
  return host.includes(':') && !host.startsWith('[') ? `[${host}]${address.slice(separator)}` : address;
}

async function errorMessageOf(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: the text itself is the message
  }
  return text.slice(0, 200);
}
