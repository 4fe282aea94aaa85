import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from 'nats';

import type { ConsoleLineNotice } from '@domsim/client';
import { type ConsoleThread, echoLine, formatConsoleLines } from '@domsim/console';

import type { ServerRuntime } from '../config/server-runtime';
import { NATS_CONNECTION, SERVER_RUNTIME } from '../tokens';

/** Domino's virtual thread numbers, one per task, so lines show which task printed them. */
export const ConsoleTasks = {
  Server: 1,
  Console: 2,
  Replicator: 3,
  Http: 4,
  AdminProcess: 5,
} as const;

export const CONSOLE_LOG_DIRECTORY = 'IBM_TECHNICAL_SUPPORT';
export const CONSOLE_LOG_FILE = 'console.log';

/**
 * The server console: every line is formatted the Domino way, written to standard
 * output and to IBM_TECHNICAL_SUPPORT/console.log, and published for live consoles.
 * Callers pass text that is already free of secrets.
 */
@Injectable()
export class ConsoleOutputService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly file: number;
  private readonly subject: string;
  /** Servers that share a process write their console to console.log and NATS only. */
  private readonly toStandardOutput: boolean;

  constructor(
    @Inject(SERVER_RUNTIME) runtime: ServerRuntime,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
  ) {
    const directory = join(runtime.dataDir, CONSOLE_LOG_DIRECTORY);
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    this.file = openSync(join(directory, CONSOLE_LOG_FILE), 'a', 0o600);
    this.subject = runtime.subjects.consoleLines(runtime.setup.server);
    this.toStandardOutput = !runtime.inProcess;
  }

  /** Prints lines with one shared prefix and returns them as printed. */
  print(lines: readonly string[], task: number = ConsoleTasks.Server, requestId?: string): string[] {
    const formatted = formatConsoleLines(lines, threadOf(task), new Date());
    this.emit(formatted, requestId);
    return formatted;
  }

  /** Prints a typed command the way the console echoes it, after `> `. */
  echo(maskedCommand: string, requestId?: string): string {
    const line = echoLine(maskedCommand);
    this.emit([line], requestId);
    return line;
  }

  beforeApplicationShutdown(signal?: string): void {
    this.print([`Server shutdown in progress${signal === undefined ? '' : ` (${signal})`}`]);
  }

  onApplicationShutdown(): void {
    closeSync(this.file);
  }

  private emit(lines: readonly string[], requestId: string | undefined): void {
    const text = `${lines.join('\n')}\n`;
    if (this.toStandardOutput) process.stdout.write(text);
    writeSync(this.file, text);
    if (this.connection.isClosed()) return;
    for (const line of lines) {
      const notice: ConsoleLineNotice = requestId === undefined ? { line } : { line, requestId };
      this.connection.publish(this.subject, JSON.stringify(notice));
    }
  }
}

function threadOf(task: number): ConsoleThread {
  // NOTE: Node runs one OS thread; the OS thread id is made up from the pid and task so
  // that lines of different tasks look as distinct as they do on a real server.
  return { pid: process.pid, virtualThread: task, osThread: 0x00007f0000000000n + BigInt(process.pid) * 0x10000n + BigInt(task) * 0x100n };
}
