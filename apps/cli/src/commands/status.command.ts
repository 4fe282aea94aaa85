import { type DomainClient, type HealthReply, replicasAgree } from '@domsim/client';
import { isNatsRunning, isServerRunning, type RunState } from '@domsim/launcher';
import { abbreviate } from '@domsim/names';

import { ExitCode } from '../cli-error';
import { connectToRecordedNats, type DomainDirectory, openDomainDirectory, readRunStateOrExplain } from '../domain-context';
import { formatTable } from '../format-table';

export interface StatusOptions {
  readonly data: string;
  readonly json: boolean;
}

interface ServerStatus {
  readonly server: string;
  readonly pid?: number;
  /**
   * Whether the server runs. For a server with its own process, that process is alive. For a
   * server inside an in-process host, the host is alive and the server replies to health
   * requests, unless NATS is down, when only the host can be checked.
   */
  readonly running: boolean;
  /** True when the process is an in-process host shared with other servers. */
  readonly inProcessHost: boolean;
  readonly answering: boolean;
  readonly health?: HealthReply;
}

/** The NATS server that run.json records, and whether this command reached it. */
interface NatsStatus {
  readonly url: string;
  readonly reachable: boolean;
  readonly error?: string;
  /** The nats-server processes domsim started; empty for an external server (up --nats). */
  readonly nodes: ReadonlyArray<{ readonly pid: number; readonly running: boolean }>;
}

/**
 * `domsim status`: per server, whether it runs and answers, and per replica its version
 * vector and digest; says whether every replica agrees across the servers that host it.
 * When NATS cannot be reached it still lists the recorded processes and exits 1.
 */
export async function runStatus(options: StatusOptions): Promise<number> {
  const directory = openDomainDirectory(options.data);
  const { manifest } = directory;
  const state = readRunStateOrExplain(directory.root, options.data);
  const { statuses, nats } = state === undefined ? { statuses: manifest.servers.map(stoppedServer), nats: undefined } : await inspectRunningDomain(directory, state);

  const agreement = statuses.every((status) => status.health !== undefined) && replicasAgree(statuses.flatMap((status) => (status.health === undefined ? [] : [status.health])));
  const exitCode = nats !== undefined && !nats.reachable ? ExitCode.Failed : ExitCode.Ok;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ domain: manifest.domain, natsUrl: state?.natsUrl, nats, servers: statuses, converged: agreement }, null, 2)}\n`);
    return exitCode;
  }

  const lines = [`Domain ${manifest.domain}${state === undefined ? ' is not running' : ` on NATS ${state.natsUrl}`}`];
  if (nats !== undefined && !nats.reachable) lines.push(`NATS at ${nats.url} is not reachable (${nats.error}); servers cannot be asked for their replicas`);
  for (const [index, node] of (nats?.nodes ?? []).entries()) lines.push(`NATS node ${index + 1}: pid ${node.pid}, ${node.running ? 'running' : 'stopped'}`);
  const rows = statuses.flatMap((status) => {
    const name = abbreviate(status.server);
    if (status.health === undefined) return [[name, processState(status), '', '', '']];
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
  if (nats !== undefined && !nats.reachable) lines.push('', 'Start NATS again with: domsim nats start' + (nats.nodes.length > 1 ? ' --node N' : '') + ` --data ${options.data}`);
  else if (state !== undefined) lines.push('', agreement ? 'All replicas agree.' : 'Replicas differ; replication is still catching up or a server is down.');
  process.stdout.write(`${lines.join('\n')}\n`);
  return exitCode;
}

function stoppedServer(server: { name: string }): ServerStatus {
  return { server: server.name, running: false, inProcessHost: false, answering: false };
}

/** Formats the Process column for a server without a health reply. */
function processState(status: ServerStatus): string {
  if (!status.running) return status.pid === undefined ? 'stopped' : `pid ${status.pid} stopped`;
  return `pid ${status.pid} not answering`;
}

/** Checks the recorded processes, then requests the health of each running server if NATS can be reached. */
async function inspectRunningDomain(directory: DomainDirectory, state: RunState): Promise<{ statuses: ServerStatus[]; nats: NatsStatus }> {
  const nodes = recordedNatsNodes(state).map((node) => ({ pid: node.pid, running: isNatsRunning(node) }));
  let client: DomainClient | undefined;
  let error: string | undefined;
  try {
    client = await connectToRecordedNats(directory, state, { maxAttempts: 0, waitMs: 0 });
  } catch (caught) {
    error = (caught as Error).message;
  }

  const statuses: ServerStatus[] = [];
  try {
    for (const server of directory.manifest.servers) {
      const recorded = state.servers.find((entry) => entry.name === server.name);
      if (recorded === undefined) {
        statuses.push(stoppedServer(server));
        continue;
      }
      const processAlive = isServerRunning(recorded);
      const inProcessHost = state.servers.filter((entry) => entry.pid === recorded.pid).length > 1;
      const health = processAlive && client !== undefined ? await client.health(server.name).catch(() => undefined) : undefined;
      const answering = health !== undefined;
      // The host of an in-process domain outlives a server stopped inside it, so only a health reply shows that server runs.
      const running = inProcessHost && client !== undefined ? processAlive && answering : processAlive;
      statuses.push({ server: server.name, pid: recorded.pid, running, inProcessHost, answering, health });
    }
  } finally {
    await client?.close();
  }
  return { statuses, nats: { url: state.natsUrl, reachable: client !== undefined, ...(error === undefined ? {} : { error }), nodes } };
}

function recordedNatsNodes(state: RunState): Array<{ pid: number; identity?: string }> {
  if (state.natsNodes !== undefined) return state.natsNodes;
  return state.nats === undefined ? [] : [state.nats];
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
