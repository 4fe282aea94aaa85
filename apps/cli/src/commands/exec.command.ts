import { ServerUnreachableError } from '@domsim/client';

import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, connectToDomain, resolveServerName } from '../domain-context';

export interface ExecOptions extends ConnectionOptions {
  readonly json: boolean;
  readonly timeout: number;
}

/** `domsim exec SERVER COMMAND`: runs one console command, like Domino's `server -c`. */
export async function runExec(server: string, words: readonly string[], options: ExecOptions): Promise<number> {
  const command = words.join(' ').trim();
  if (command === '') throw new CliError('no console command given; e.g. domsim exec server1/renovations "show idvault"', ExitCode.Usage);

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
