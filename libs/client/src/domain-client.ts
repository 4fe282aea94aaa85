import { randomUUID } from 'node:crypto';

import { connect, ErrorCode, type NatsConnection, type NatsError, type Subscription } from 'nats';

import { dominoCommandRegistry, maskSecrets, type SealedCommand, sealCommand } from '@domsim/console';
import { nameKey } from '@domsim/names';
import { DomainSubjects } from '@domsim/replication';

import { displayName, ServerRequestError, ServerUnreachableError } from './errors';
import type { AppliedNotice, ConsoleLineNotice, ConsoleReply, ConsoleRequest, HealthReply, NotesReply, NotesRequest, ViewReply, ViewRequest, ViewRequestReply } from './protocol';

export interface DomainClientOptions {
  readonly natsUrl: string;
  readonly domain: string;
  /** Connection name shown by NATS monitoring. */
  readonly name?: string;
  /** NATS login; a user and password in the URL work as well. */
  readonly credentials?: { readonly user: string; readonly password: string };
  /** Reconnect attempts after a lost connection (-1: for ever) and the wait between them; default 5 attempts, 2 s apart. */
  readonly reconnect?: { readonly maxAttempts: number; readonly waitMs: number };
}

const DEFAULT_TIMEOUT_MS = 10_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Talks to the servers of one running domain over NATS: console commands, views, health,
 * live console lines and applied notices. Used by the CLI, the test harness and benchmarks.
 */
export class DomainClient {
  readonly subjects: DomainSubjects;
  private readonly registry = dominoCommandRegistry();
  private readonly consoleKeys = new Map<string, string>();

  private constructor(
    readonly connection: NatsConnection,
    readonly domain: string,
  ) {
    this.subjects = new DomainSubjects(domain);
  }

  static async connect(options: DomainClientOptions): Promise<DomainClient> {
    const connection = await connect({
      servers: options.natsUrl.split(',').map((url) => url.trim()),
      name: options.name ?? 'domsim client',
      ...(options.credentials === undefined ? {} : { user: options.credentials.user, pass: options.credentials.password }),
      maxReconnectAttempts: options.reconnect?.maxAttempts ?? 5,
      reconnectTimeWait: options.reconnect?.waitMs ?? 2_000,
    });
    return new DomainClient(connection, options.domain);
  }

  /**
   * Runs one command at a server's console, as `server -c` does. Secret arguments are
   * sealed for the server's console key before the command leaves this process.
   */
  async runCommand(server: string, command: string, timeoutMs = DEFAULT_TIMEOUT_MS, requestId?: string): Promise<ConsoleReply> {
    let sealed: SealedCommand = { command };
    if (maskSecrets(command, this.registry) !== command) {
      sealed = sealCommand(command, this.registry, await this.consoleKey(server, timeoutMs));
    }
    const request: ConsoleRequest = requestId === undefined ? sealed : { ...sealed, requestId };
    return this.nestRequest<ConsoleReply>(server, this.subjects.console(server), request, timeoutMs);
  }

  /**
   * Sets the console key to seal secrets for one server, e.g. read from its data
   * directory. Without it the key is fetched from the server's health reply.
   */
  useConsoleKey(server: string, publicKeyPem: string): void {
    this.consoleKeys.set(nameKey(server), publicKeyPem);
  }

  /** @throws ServerRequestError with VIEW_NOT_FOUND when the database or view does not exist. */
  async view(server: string, database: string, view: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ViewReply> {
    const request: ViewRequest = { database, view };
    const reply = await this.nestRequest<ViewRequestReply>(server, this.subjects.view(server), request, timeoutMs);
    if (!reply.ok) throw new ServerRequestError(server, reply.code, reply.error);
    return reply.view;
  }

  private async consoleKey(server: string, timeoutMs: number): Promise<string> {
    const known = this.consoleKeys.get(nameKey(server));
    if (known !== undefined) return known;
    // NOTE: a key fetched over NATS is trusted on first use; the CLI reads keys from the
    // servers' data directories instead whenever it has them.
    const { consoleKey } = await this.health(server, timeoutMs);
    this.consoleKeys.set(nameKey(server), consoleKey);
    return consoleKey;
  }

  /** Every note's state in one database on a server. */
  async notes(server: string, database: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Extract<NotesReply, { ok: true }>> {
    const reply = await this.nestRequest<NotesReply>(server, this.subjects.notes(server), { database } satisfies NotesRequest, timeoutMs);
    if (!reply.ok) throw new ServerRequestError(server, 'UNKNOWN_DATABASE', reply.error);
    return reply;
  }

  health(server: string, timeoutMs = 2_000): Promise<HealthReply> {
    return this.nestRequest<HealthReply>(server, this.subjects.health(server), {}, timeoutMs);
  }

  /** Resolves once the server answers a health request; rejects with the last error at the deadline. */
  async waitUntilAnswering(server: string, timeoutMs: number): Promise<HealthReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.health(server, Math.max(200, Math.min(2_000, deadline - Date.now())));
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /**
   * Listens for `waitMs` to the version vectors that every running server publishes on each
   * replicator heartbeat (every 2 s by default), and returns the names of those servers, sorted.
   */
  async discoverServers(waitMs = 3_000): Promise<string[]> {
    const serverNames = new Set<string>();
    const stopListening = this.listen<{ from?: unknown }>(this.subjects.allVectors(), (message) => {
      if (typeof message.from === 'string') serverNames.add(message.from);
    });
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    stopListening();
    return [...serverNames].sort();
  }

  onConsoleLines(server: string, listener: (notice: ConsoleLineNotice) => void): () => void {
    return this.listen<ConsoleLineNotice>(this.subjects.consoleLines(server), listener);
  }

  onApplied(listener: (notice: AppliedNotice) => void): () => void {
    return this.listen<AppliedNotice>(this.subjects.allApplied(), listener);
  }

  async close(): Promise<void> {
    if (!this.connection.isClosed()) await this.connection.drain();
  }

  private listen<T>(subject: string, listener: (value: T) => void): () => void {
    const subscription: Subscription = this.connection.subscribe(subject, {
      callback: (error, msg) => {
        if (error !== null) return;
        try {
          listener(JSON.parse(decoder.decode(msg.data)) as T);
        } catch {
          // a notice that is not JSON is not ours; ignore it
        }
      },
    });
    return () => subscription.unsubscribe();
  }

  /**
   * Sends a request in the packet format of NestJS's NATS transport ({pattern, data, id})
   * and returns the `response` of the first reply.
   */
  private async nestRequest<T>(server: string, subject: string, data: unknown, timeoutMs: number): Promise<T> {
    const packet = { pattern: subject, data, id: randomUUID() };
    let raw: Uint8Array;
    try {
      raw = (await this.connection.request(subject, encoder.encode(JSON.stringify(packet)), { timeout: timeoutMs })).data;
    } catch (error) {
      const code = (error as NatsError).code;
      if (code === ErrorCode.NoResponders) throw new ServerUnreachableError(server, 'no responders', timeoutMs);
      if (code === ErrorCode.Timeout) throw new ServerUnreachableError(server, 'timeout', timeoutMs);
      throw error;
    }
    const reply = JSON.parse(decoder.decode(raw)) as { response?: T; err?: unknown };
    if (reply.err !== undefined && reply.err !== null) {
      const text = typeof reply.err === 'string' ? reply.err : JSON.stringify(reply.err);
      throw new ServerRequestError(server, 'SERVER_ERROR', `server ${displayName(server)} failed the request: ${text}`);
    }
    return reply.response as T;
  }
}
