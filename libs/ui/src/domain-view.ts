import type { HealthReply, ViewReply } from '@domsim/client';
import { abbreviate } from '@domsim/names';
import type { LinkFaultEntry } from '@domsim/replication';
import { formatLinkFault } from '@domsim/replication';

import { type GraphConnection, type GraphLayout, layoutDomainGraph } from './graph-layout';
import { buildLagChart, type LagChart } from './lag-chart';
import type { ChangeTimeline, PropagationTracker } from './propagation';

/** A server of the domain as the page shows it. */
export interface ServerView {
  readonly name: string;
  readonly display: string;
  readonly roles: readonly string[];
  readonly cluster?: string;
  readonly reachable: boolean;
  readonly http?: string;
  /** Replicator activity, e.g. "Idle". */
  readonly activity?: string;
  /**
   * Position in names.nsf's event history: the sum of the server's version vector, so the
   * number of revisions it holds, and the vector itself by originating server.
   */
  readonly position?: { readonly revisions: number; readonly vector: Readonly<Record<string, number>> };
  /** True when every replica this server hosts has the digest of the servers that hold the most revisions of it. */
  readonly converged: boolean;
  readonly certificates?: { readonly columns: readonly string[]; readonly rows: ReadonlyArray<Readonly<Record<string, string>>> };
}

export interface DemoView {
  readonly running: boolean;
  readonly lines: readonly string[];
}

/** The live view's NATS connection: up, lost and being retried, or closed for good. */
export type NatsState = 'connected' | 'reconnecting' | 'closed';

/** Everything the page renders, sent whole on every change. */
export interface DomainView {
  readonly domain: string;
  readonly updatedAt: number;
  readonly nats: NatsState;
  readonly servers: readonly ServerView[];
  readonly graph: GraphLayout;
  readonly faults: ReadonlyArray<{ readonly from: string; readonly to: string; readonly fault: string }>;
  readonly timeline: readonly ChangeTimeline[];
  readonly lagChart: LagChart;
  readonly demo: DemoView;
}

/**
 * A server as the domain directory (domain.json) describes it. The page shows these roles,
 * cluster and connections until the server responds to a health request.
 */
export interface KnownServer {
  readonly name: string;
  readonly administrationServer: boolean;
  /** True when the server hosts an ID vault. */
  readonly idVault?: boolean;
  readonly cluster?: string;
}

export interface DomainViewInput {
  readonly domain: string;
  readonly now: number;
  /** Default 'connected'. */
  readonly nats?: NatsState;
  readonly servers: readonly KnownServer[];
  /** Enabled Connection documents from domain.json, for servers that have not responded to a health request. */
  readonly connections?: readonly GraphConnection[];
  /** The last health reply per canonical server name; undefined while a server does not respond. */
  readonly health: ReadonlyMap<string, HealthReply | undefined>;
  /** The last health reply each server sent before it stopped responding. */
  readonly lastReplies?: ReadonlyMap<string, HealthReply>;
  readonly certificates: ReadonlyMap<string, ViewReply>;
  readonly faults: readonly LinkFaultEntry[];
  readonly tracker: PropagationTracker;
  readonly demo: DemoView;
  /** How many changes the timeline lists. */
  readonly timelineLength: number;
  readonly lagWindowMs: number;
}

const NAMES_NSF = 'names.nsf';
const VAULT_FOLDER = 'ibm_id_vault';
const GRAPH_SIZE = { width: 520, height: 400 };
const CHART_SIZE = { width: 640, height: 220 };

/** Builds the page's state from the latest health replies, views, fault table and notices. */
export function buildDomainView(input: DomainViewInput): DomainView {
  const replies = [...input.health.values()].filter((reply): reply is HealthReply => reply !== undefined);
  const reference = referenceDigests(replies);

  const servers = input.servers.map((server): ServerView => {
    const reply = input.health.get(server.name);
    const facts = reply ?? input.lastReplies?.get(server.name);
    const view = input.certificates.get(server.name);
    return {
      name: server.name,
      display: abbreviate(server.name),
      roles: rolesOf(server, facts),
      cluster: facts === undefined ? server.cluster : facts.replication.cluster || undefined,
      reachable: reply !== undefined,
      http: reply?.http,
      activity: reply?.replication.activity,
      position: reply === undefined ? undefined : positionOf(reply),
      converged: reply !== undefined && reply.replicas.every((replica) => reference.get(replica.replicaId) === replica.digest),
      certificates: view === undefined ? undefined : { columns: view.columns, rows: view.rows.map((row) => row.values) },
    };
  });

  const connections = input.servers.flatMap((server) => connectionsOf(server.name, input));
  const faults = input.faults.map((entry) => ({ from: entry.from, to: entry.to, fault: formatLinkFault(entry.fault) }));
  const graph = layoutDomainGraph(
    servers.map((server) => ({ name: server.name, cluster: server.cluster })),
    connections,
    faults.map((entry) => ({ from: entry.from, to: entry.to, description: entry.fault })),
    GRAPH_SIZE,
  );

  return {
    domain: input.domain,
    updatedAt: input.now,
    nats: input.nats ?? 'connected',
    servers,
    graph,
    faults,
    timeline: input.tracker.timeline().slice(0, input.timelineLength),
    lagChart: buildLagChart(input.tracker.linkLags(), { ...CHART_SIZE, now: input.now, windowMs: input.lagWindowMs }),
    demo: input.demo,
  };
}

/**
 * The digest each replica should have: the one on the servers that hold the most
 * revisions of it (the largest version vector sum). When those servers disagree, the
 * replica has diverged and is left out, so none of its servers counts as converged.
 */
export function referenceDigests(replies: readonly HealthReply[]): Map<string, string> {
  const best = new Map<string, { revisions: number; digests: Set<string> }>();
  for (const reply of replies) {
    for (const replica of reply.replicas) {
      const revisions = sumOf(replica.vector);
      const entry = best.get(replica.replicaId);
      if (entry === undefined || revisions > entry.revisions) {
        best.set(replica.replicaId, { revisions, digests: new Set([replica.digest]) });
      } else if (revisions === entry.revisions) {
        entry.digests.add(replica.digest);
      }
    }
  }
  const reference = new Map<string, string>();
  for (const [replicaId, entry] of best) {
    if (entry.digests.size === 1) reference.set(replicaId, [...entry.digests][0]);
  }
  return reference;
}

function sumOf(vector: Readonly<Record<string, number>>): number {
  return Object.values(vector).reduce((sum, counter) => sum + counter, 0);
}

/** Roles from the server's health reply, or from domain.json while it has never answered. */
function rolesOf(server: KnownServer, facts: HealthReply | undefined): string[] {
  const roles: string[] = [];
  if (server.administrationServer) roles.push('Administration server');
  const idVault = facts === undefined ? server.idVault === true : facts.replicas.some((replica) => replica.path.toLowerCase().replace(/\//g, '\\').startsWith(`${VAULT_FOLDER}\\`));
  if (idVault) roles.push('ID vault server');
  return roles;
}

/** Connections a server calls: its replication schedule when it has answered, else those in domain.json. */
function connectionsOf(server: string, input: DomainViewInput): GraphConnection[] {
  const facts = input.health.get(server) ?? input.lastReplies?.get(server);
  if (facts === undefined) return (input.connections ?? []).filter((connection) => connection.source === server);
  return facts.replication.schedule.map((entry) => ({ source: server, destination: entry.destination, type: entry.type, intervalSeconds: entry.intervalSeconds }));
}

function positionOf(reply: HealthReply): ServerView['position'] {
  const names = reply.replicas.find((replica) => replica.path.toLowerCase() === NAMES_NSF);
  if (names === undefined) return { revisions: 0, vector: {} };
  return { revisions: sumOf(names.vector), vector: names.vector };
}
