import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearLine, createInterface, cursorTo } from 'node:readline';

import { ServerUnreachableError } from '@domsim/client';
import { dominoCommandRegistry, maskSecrets } from '@domsim/console';
import { abbreviate } from '@domsim/names';

import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, connectToDomain, resolveServerBeforeConnecting, resolveServerName } from '../domain-context';

/** History file in the domain directory; it holds commands with secrets masked. */
export const CONSOLE_HISTORY_FILE = '.console_history';
const HISTORY_SIZE = 500;
const LEAVE_COMMANDS = new Set(['exit', 'quit', '.exit']);

/**
 * `domsim console SERVER`: an interactive console with history that also shows the
 * server's console output live. Commands typed here run as with `domsim exec`.
 */
export async function runConsole(server: string, options: ConnectionOptions): Promise<number> {
  resolveServerBeforeConnecting(server, options);
  const { client, directory } = await connectToDomain(options);
  const name = resolveServerName(server, directory);
  try {
    await client.health(name);
  } catch (error) {
    await client.close();
    if (error instanceof ServerUnreachableError) throw new CliError(error.message);
    throw error;
  }

  const registry = dominoCommandRegistry();
  const historyFile = directory === undefined ? undefined : join(directory.root, CONSOLE_HISTORY_FILE);
  const interactive = process.stdin.isTTY === true;
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: interactive,
    history: loadHistory(historyFile),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  // The history event lets a listener edit the entry just added: store it masked.
  rl.on('history', (history: string[]) => {
    if (history.length > 0) history[0] = maskSecrets(history[0], registry);
  });
  rl.setPrompt('> ');

  const own = new Set<string>();
  const print = (text: string) => {
    if (interactive) {
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
    }
    process.stdout.write(`${text}\n`);
    if (interactive) rl.prompt(true);
  };
  const stopLive = client.onConsoleLines(name, (notice) => {
    if (notice.requestId === undefined || !own.has(notice.requestId)) print(notice.line);
  });

  if (interactive) process.stdout.write(`Console of ${abbreviate(name)}. Type help to list commands; exit or Ctrl-D leaves (the server keeps running).\n`);
  const prompt = () => {
    if (interactive) rl.prompt();
  };
  prompt();
  let failures = 0;
  for await (const line of rl) {
    const command = line.trim();
    if (LEAVE_COMMANDS.has(command.toLowerCase())) break;
    if (command !== '') {
      const requestId = randomUUID();
      own.add(requestId);
      try {
        const reply = await client.runCommand(name, command, 60_000, requestId);
        print(reply.echo);
        for (const output of reply.lines) print(output);
        if (!reply.ok) failures += 1;
      } catch (error) {
        failures += 1;
        print(`domsim: ${(error as Error).message}`);
      }
    }
    prompt();
  }

  stopLive();
  saveHistory(historyFile, (rl as unknown as { history?: string[] }).history ?? []);
  rl.close();
  await client.close();
  return failures > 0 && !interactive ? ExitCode.Failed : ExitCode.Ok;
}

function loadHistory(file: string | undefined): string[] {
  if (file === undefined || !existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((line) => line !== '').reverse().slice(0, HISTORY_SIZE);
}

function saveHistory(file: string | undefined, history: readonly string[]): void {
  if (file === undefined || history.length === 0) return;
  writeFileSync(file, `${[...history].reverse().join('\n')}\n`, { mode: 0o600 });
}
