import { ServerUnreachableError } from '@domsim/client';
import type { DomainClient } from '@domsim/client';
import { abbreviate } from '@domsim/names';

import { CliError, ExitCode } from '../cli-error';
import { type ConnectionOptions, connectToDomain, type DomainDirectory, resolveServerName } from '../domain-context';

export interface TotpResetOptions extends ConnectionOptions {
  readonly server?: string;
  readonly timeout: number;
}

/**
 * `domsim totp reset USER`: runs `sim totp reset` at the console of a vault server, which
 * deletes the user's TOTP devices and scratch codes; the vault database replicates the change.
 */
export async function runTotpReset(user: string, options: TotpResetOptions): Promise<number> {
  if (user.trim() === '') throw new CliError('no user given; e.g. domsim totp reset "totp user/mfatest1"', ExitCode.Usage);

  const { client, directory } = await connectToDomain(options);
  try {
    const server = options.server === undefined ? await findVaultServer(client, directory) : resolveServerName(options.server, directory);
    const reply = await client.runCommand(server, `sim totp reset "${user.replace(/"/g, '')}"`, options.timeout * 1000);
    const stream = reply.ok ? process.stdout : process.stderr;
    stream.write(reply.lines.map((line) => `${line}\n`).join(''));
    return reply.ok ? ExitCode.Ok : ExitCode.Failed;
  } catch (error) {
    if (error instanceof ServerUnreachableError) throw new CliError(error.message);
    throw error;
  } finally {
    await client.close();
  }
}

/** The first server of the domain whose health reply lists a vault database replica. */
async function findVaultServer(client: DomainClient, directory: DomainDirectory | undefined): Promise<string> {
  if (directory === undefined) throw new CliError('with --nats and no domain directory, name a vault server with --server', ExitCode.Usage);
  for (const { name } of directory.manifest.servers) {
    try {
      const health = await client.health(name);
      if (health.replicas.some((replica) => replica.path.toUpperCase().startsWith('IBM_ID_VAULT'))) return name;
    } catch (error) {
      if (!(error instanceof ServerUnreachableError)) throw error;
    }
  }
  const servers = directory.manifest.servers.map((server) => abbreviate(server.name)).join(', ');
  throw new CliError(`no running server of ${servers} hosts an ID vault; start the domain or name a vault server with --server`);
}
