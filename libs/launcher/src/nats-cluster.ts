import { join } from 'node:path';

import { StartTimeoutError } from './errors';
import { findFreePort } from './ports';
import { type NatsClusterMembership, type NatsCredentials, startNatsServer, type StartedNatsServer } from './nats-server';
import { waitFor } from './processes';

/** Largest cluster `startNatsCluster` starts; NATS recommends odd sizes, and three or five nodes are usual. */
export const MAX_CLUSTER_NODES = 9;

/** The ports and routes of one node of a NATS cluster on one host. */
export interface NatsNodePlan {
  /** 0-based position in the cluster. */
  readonly index: number;
  readonly serverName: string;
  readonly host: string;
  readonly port: number;
  readonly monitorPort: number;
  /** Absent for a single node, which needs no route port. */
  readonly cluster?: NatsClusterMembership;
  /** The client URL, nats://host:port. */
  readonly url: string;
}

export interface NatsClusterOptions {
  /** Number of nodes, 1 to MAX_CLUSTER_NODES. */
  readonly nodes: number;
  readonly host?: string;
  /** Cluster name shared by the nodes; default domsim. */
  readonly name?: string;
  /** Directory for one log file per node (nats-node1.log, ...). */
  readonly logDirectory?: string;
  readonly detached?: boolean;
  readonly startTimeoutMs?: number;
  /** Clients must log in with this user and password on every node. */
  readonly authorization?: NatsCredentials;
}

/** A running NATS cluster whose nodes this process started. */
export interface StartedNatsCluster {
  readonly plans: readonly NatsNodePlan[];
  /** Client URLs of every node, in node order. */
  readonly urls: readonly string[];
  /** The node processes; an entry is undefined while that node is stopped. */
  readonly nodes: ReadonlyArray<StartedNatsServer | undefined>;
  logFileOf(index: number): string | undefined;
  /** Stops one node (SIGTERM); the others keep running. */
  stopNode(index: number): Promise<void>;
  /** Starts a stopped node again on its ports and waits until its routes are up. */
  startNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** The invalid node count is named with the allowed range. */
export class InvalidClusterSizeError extends Error {
  readonly code = 'INVALID_CLUSTER_SIZE';

  constructor(readonly nodes: number) {
    super(`invalid NATS cluster size ${nodes}: give a whole number from 1 to ${MAX_CLUSTER_NODES}`);
    this.name = 'InvalidClusterSizeError';
  }
}

export function assertClusterSize(nodes: number): void {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_CLUSTER_NODES) throw new InvalidClusterSizeError(nodes);
}

/**
 * Plans a cluster on one host from three ports per node (client, route, monitoring): every
 * node lists the route URLs of all the others, so the cluster forms whichever node starts first.
 * A single node gets no cluster membership.
 */
export function planNatsCluster(ports: ReadonlyArray<{ port: number; clusterPort: number; monitorPort: number }>, host = '127.0.0.1', name = 'domsim'): NatsNodePlan[] {
  assertClusterSize(ports.length);
  const routeOf = (index: number) => `nats://${host}:${ports[index].clusterPort}`;
  return ports.map((entry, index) => ({
    index,
    serverName: `${name}-node${index + 1}`,
    host,
    port: entry.port,
    monitorPort: entry.monitorPort,
    cluster: ports.length === 1 ? undefined : { name, port: entry.clusterPort, routes: ports.map((_other, other) => other).filter((other) => other !== index).map(routeOf) },
    url: `nats://${host}:${entry.port}`,
  }));
}

/** Plans a cluster on free ports of `host`. */
export async function allocateNatsCluster(nodes: number, host = '127.0.0.1', name = 'domsim'): Promise<NatsNodePlan[]> {
  assertClusterSize(nodes);
  const ports: Array<{ port: number; clusterPort: number; monitorPort: number }> = [];
  const taken = new Set<number>();
  const freshPort = async (): Promise<number> => {
    for (;;) {
      const port = await findFreePort(host);
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  for (let index = 0; index < nodes; index += 1) {
    ports.push({ port: await freshPort(), clusterPort: await freshPort(), monitorPort: await freshPort() });
  }
  return planNatsCluster(ports, host, name);
}

/**
 * Returns the NATS URLs to give the server at `position` in start order: every node, starting with
 * node `position mod n`, so servers are spread round-robin and each can fail over to the rest.
 */
export function natsUrlsForServer(urls: readonly string[], position: number): string {
  if (urls.length === 0) throw new Error('natsUrlsForServer needs at least one NATS URL');
  const first = position % urls.length;
  return [...urls.slice(first), ...urls.slice(0, first)].join(',');
}

/**
 * Waits until every listed node reports `expected` routes on its monitoring port
 * (/routez), which is when a message published on one node reaches subscribers on all.
 *
 * @throws StartTimeoutError naming the nodes still short of routes.
 */
export async function waitForRoutes(plans: readonly NatsNodePlan[], expected: number, timeoutMs: number): Promise<void> {
  const counts = new Map<string, number>();
  const formed = await waitFor(
    async () => {
      const results = await Promise.all(plans.map(async (plan) => [plan.serverName, await routeCount(plan)] as const));
      for (const [name, count] of results) counts.set(name, count);
      return results.every(([, count]) => count >= expected);
    },
    timeoutMs,
    25,
  );
  if (!formed) {
    const short = [...counts].filter(([, count]) => count < expected).map(([name, count]) => `${name} has ${count} of ${expected} routes`);
    throw new StartTimeoutError('the NATS cluster', timeoutMs, short.join('\n'));
  }
}

async function routeCount(plan: NatsNodePlan): Promise<number> {
  try {
    const response = await fetch(`http://${plan.host}:${plan.monitorPort}/routez`, { signal: AbortSignal.timeout(1_000) });
    if (!response.ok) return 0;
    const body = (await response.json()) as { num_routes?: number };
    return body.num_routes ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Starts a NATS cluster of `nodes` nats-server processes on one host and waits until every
 * node has a route to every other.
 *
 * @throws InvalidClusterSizeError, NatsServerNotFoundError or StartTimeoutError; on failure
 * the nodes already started are stopped.
 */
export async function startNatsCluster(options: NatsClusterOptions): Promise<StartedNatsCluster> {
  const plans = await allocateNatsCluster(options.nodes, options.host ?? '127.0.0.1', options.name ?? 'domsim');
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const nodes: Array<StartedNatsServer | undefined> = plans.map(() => undefined);
  const logFileOf = (index: number) => (options.logDirectory === undefined ? undefined : join(options.logDirectory, `nats-node${index + 1}.log`));

  const startNode = async (index: number): Promise<void> => {
    const plan = plans[index];
    nodes[index] = await startNatsServer({
      host: plan.host,
      port: plan.port,
      monitorPort: plan.monitorPort,
      serverName: plan.serverName,
      cluster: plan.cluster,
      logFile: logFileOf(index),
      detached: options.detached,
      startTimeoutMs: timeoutMs,
      authorization: options.authorization,
    });
  };
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node?.stop()));
    nodes.fill(undefined);
  };

  try {
    await Promise.all(plans.map((_plan, index) => startNode(index)));
    await waitForRoutes(plans, plans.length - 1, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    plans,
    urls: plans.map((plan) => plan.url),
    nodes,
    logFileOf,
    stop,
    stopNode: async (index) => {
      await nodes[index]?.stop();
      nodes[index] = undefined;
    },
    startNode: async (index) => {
      if (nodes[index] !== undefined) return;
      await startNode(index);
      const running = nodes.filter((node) => node !== undefined).length;
      await waitForRoutes([plans[index]], running - 1, timeoutMs);
    },
  };
}
