import { ServerRequestError, ServerUnreachableError } from '@domsim/client';
import { abbreviate } from '@domsim/names';

import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, connectToDomain, resolveServerBeforeConnecting, resolveServerName } from '../domain-context';
import { formatTable } from '../format-table';

export interface ViewOptions extends ConnectionOptions {
  readonly json: boolean;
}

const CONFLICT_MARK = '[Replication or Save Conflict] ';

/** `domsim view SERVER DATABASE VIEW`: lists a view of a replica on one server. */
export async function runView(server: string, database: string, view: string, options: ViewOptions): Promise<number> {
  resolveServerBeforeConnecting(server, options);
  const { client, directory } = await connectToDomain(options);
  try {
    const name = resolveServerName(server, directory);
    const reply = await client.view(name, database, view);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
      return ExitCode.Ok;
    }
    const rows = reply.rows.map((row) => reply.columns.map((column, index) => (index === 0 && row.conflict ? CONFLICT_MARK : '') + (row.values[column] ?? '')));
    const title = `${reply.view} view of ${reply.database} (replica ${reply.replicaId}) on ${abbreviate(reply.server)}: ${reply.rows.length} documents`;
    process.stdout.write([title, ...formatTable(reply.columns, rows)].map((line) => `${line}\n`).join(''));
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof ServerRequestError || error instanceof ServerUnreachableError) throw new CliError(error.message);
    throw error;
  } finally {
    await client.close();
  }
}
