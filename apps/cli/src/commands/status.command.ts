import { type HealthReply, replicasAgree } from '@domsim/client';
import { isServerRunning } from '@domsim/launcher';
import { abbreviate } from '@domsim/names';

import { ExitCode } from '../cli-error';
import { connectToDomain, openDomainDirectory, readRunStateOrExplain } from '../domain-context';
import { formatTable } from '../format-table';

export interface StatusOptions {
  readonly data: string;
  readonly json: boolean;
}

interface ServerStatus {
  readonly server: string;
  readonly pid?: number;
  readonly running: boolean;
  readonly health?: HealthReply;
}

/**
 * `domsim status`: per server, whether it runs and answers, and per replica its version
 * vector and digest; says whether every replica agrees across the servers that host it.
 */
export async function runStatus(options: StatusOptions): Promise<number> {
  const { root, manifest } = openDomainDirectory(options.data);
  const state = readRunStateOrExplain(root, options.data);
  const statuses: ServerStatus[] = [];

  if (state === undefined) {
    for (const server of manifest.servers) statuses.push({ server: server.name, running: false });
  } else {
    const { client } = await connectToDomain({ data: options.data });
    try {
      for (const server of manifest.servers) {
        const recorded = state.servers.find((entry) => entry.name === server.name);
        const running = recorded !== undefined && isServerRunning(recorded);
        const health = running ? await client.health(server.name).catch(() => undefined) : undefined;
        statuses.push({ server: server.name, pid: recorded?.pid, running, health });
      }
    } finally {
      await client.close();
    }
  }

  const agreement = statuses.every((status) => status.health !== undefined) && replicasAgree(statuses.flatMap((status) => (status.health === undefined ? [] : [status.health])));
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ domain: manifest.domain, natsUrl: state?.natsUrl, servers: statuses, converged: agreement }, null, 2)}\n`);
    return ExitCode.Ok;
  }

  const lines = [`Domain ${manifest.domain}${state === undefined ? ' is not running' : ` on NATS ${state.natsUrl}`}`];
  const rows = statuses.flatMap((status) => {
    const name = abbreviate(status.server);
    if (status.health === undefined) return [[name, status.running ? 'not answering' : 'stopped', '', '', '']];
    return status.health.replicas.map((replica) => [
      name,
      `pid ${status.pid ?? '?'}`,
      replica.path,
      Object.entries(replica.vector).map(([originator, counter]) => `${abbreviate(originator)}:${counter}`).join(' '),
      replica.digest.slice(0, 12),
    ]);
  });
  lines.push(...formatTable(['Server', 'Process', 'Database', 'Version vector', 'Digest'], rows));
  for (const status of statuses) lines.push(...replicationLines(status));
  if (state !== undefined) lines.push('', agreement ? 'All replicas agree.' : 'Replicas differ; replication is still catching up or a server is down.');
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Ok;
}

function replicationLines(status: ServerStatus): string[] {
  const replication = status.health?.replication;
  if (replication === undefined) return [];
  const pending = `${replication.pushesQueued} pushes queued, ${replication.jobsQueued} jobs, ${replication.pullsWaiting} catch-up pulls`;
  const cluster = replication.cluster === '' ? 'no cluster' : `cluster ${replication.cluster}`;
  const lines = ['', `${abbreviate(status.server)}: ${cluster}; Replicator ${replication.activity}; pending: ${pending}`];
  for (const entry of replication.history) {
    const when = entry.lastSuccessAt === undefined ? 'never succeeded' : new Date(entry.lastSuccessAt).toISOString();
    const error = entry.lastError === undefined ? '' : `; last error: ${entry.lastError}`;
    const counts = `${entry.added} added, ${entry.updated} updated, ${entry.deleted} deleted`;
    lines.push(`  last ${entry.direction} ${entry.direction === 'pull' ? 'from' : 'to'} ${abbreviate(entry.partner)} (${entry.replicaId}): ${when} (${counts})${error}`);
  }
  for (const connection of replication.schedule) {
    const next = connection.nextRunAt === undefined ? '' : `, next at ${new Date(connection.nextRunAt).toISOString()}`;
    lines.push(`  schedule: ${connection.type} with ${abbreviate(connection.destination)} every ${connection.intervalSeconds}s${next}`);
  }
  return lines;
}
