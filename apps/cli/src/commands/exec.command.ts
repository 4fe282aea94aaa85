import { ServerUnreachableError } from '@domsim/client';

import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, connectToDomain, resolveServerBeforeConnecting, resolveServerName } from '../domain-context';

export interface ExecOptions extends ConnectionOptions {
  readonly json: boolean;
  readonly timeout: number;
}

/** Maximum size of a console command read from standard input, in bytes. */
const MAX_STDIN_COMMAND_BYTES = 64 * 1024;

/**
 * `domsim exec SERVER COMMAND`: runs one console command, like Domino's `server -c`. The
 * command `-` is read from standard input instead, so a password in it stays out of the shell
 * history and the process list.
 */
export async function runExec(server: string, words: readonly string[], options: ExecOptions): Promise<number> {
  const command = words.length === 1 && words[0] === '-' ? await readCommandFromStdin() : words.join(' ').trim();
  if (command === '') throw new CliError('no console command given; e.g. domsim exec server1/renovations "show idvault"', ExitCode.Usage);

  resolveServerBeforeConnecting(server, options);

  const { client, directory } = await connectToDomain(options);
  try {
    const name = resolveServerName(server, directory);
    const reply = await client.runCommand(name, command, options.timeout * 1000);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
    } else {
      const stream = reply.ok ? process.stdout : process.stderr;
      stream.write(reply.lines.map((line) => `${line}\n`).join(''));
    }
    return reply.ok ? ExitCode.Ok : ExitCode.Failed;
  } catch (error) {
    if (error instanceof ServerUnreachableError) throw new CliError(error.message);
    throw error;
  } finally {
    await client.close();
  }
}

/** Reads one console command from standard input: its one non-empty line, without the line end. */
async function readCommandFromStdin(): Promise<string> {
  // NOTE: typed at a terminal, the command is echoed as usual; pipe it in to keep a password off the screen.
  if (process.stdin.isTTY === true) process.stderr.write('Console command (one line, then Enter and Ctrl-D): ');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_STDIN_COMMAND_BYTES) throw new CliError(`the console command on standard input is longer than ${MAX_STDIN_COMMAND_BYTES} bytes; give one command`, ExitCode.Usage);
    chunks.push(buffer);
  }
  const lines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  if (lines.length === 0) throw new CliError('standard input held no console command; e.g. echo "show idvault" | domsim exec server1/renovations -', ExitCode.Usage);
  if (lines.length > 1) throw new CliError(`standard input held ${lines.length} lines; exec - runs one console command (use domsim console SERVER to run several)`, ExitCode.Usage);
  return lines[0];
}
