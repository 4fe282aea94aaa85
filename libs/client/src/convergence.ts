import type { NoteSummary } from '@domsim/directory';
import { abbreviate } from '@domsim/names';

import type { DomainClient } from './domain-client';
import type { HealthReply } from './protocol';

/** True when every replica shows the same digest on every server that reported it. */
export function replicasAgree(replies: readonly HealthReply[]): boolean {
  const digests = new Map<string, Set<string>>();
  for (const reply of replies) {
    for (const replica of reply.replicas) {
      const set = digests.get(replica.replicaId) ?? new Set<string>();
      set.add(replica.digest);
      digests.set(replica.replicaId, set);
    }
  }
  return [...digests.values()].every((set) => set.size === 1);
}

/** Where the replicas of one database differ: per note, each server's state (undefined when it lacks the note). */
export interface ReplicaDifference {
  readonly path: string;
  readonly replicaId: string;
  readonly servers: readonly string[];
  readonly notes: ReadonlyArray<{ readonly unid: string; readonly states: Readonly<Record<string, NoteSummary | undefined>> }>;
}

export interface ConvergenceReport {
  readonly converged: boolean;
  readonly elapsedMs: number;
  /** Servers that did not answer. */
  readonly unreachable: readonly string[];
  readonly differences: readonly ReplicaDifference[];
}

/**
 * Waits until every replica of each database has the same digest (so the same notes and the
 * same conflict set) on every server, or until the deadline. At the deadline it reports
 * which servers differ, and on which notes.
 */
export async function waitForConvergence(client: DomainClient, servers: readonly string[], timeoutMs: number, intervalMs = 50): Promise<ConvergenceReport> {
  const started = Date.now();
  let replies: Array<HealthReply | undefined> = [];
  for (;;) {
    replies = await Promise.all(servers.map((server) => client.health(server, 1_000).catch(() => undefined)));
    const answered = replies.filter((reply): reply is HealthReply => reply !== undefined);
    if (answered.length === servers.length && replicasAgree(answered)) {
      return { converged: true, elapsedMs: Date.now() - started, unreachable: [], differences: [] };
    }
    if (Date.now() - started >= timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }

  const unreachable = servers.filter((_server, index) => replies[index] === undefined);
  const differences = await describeDifferences(client, replies.filter((reply): reply is HealthReply => reply !== undefined));
  return { converged: false, elapsedMs: Date.now() - started, unreachable, differences };
}

async function describeDifferences(client: DomainClient, replies: readonly HealthReply[]): Promise<ReplicaDifference[]> {
  const byReplica = new Map<string, { path: string; servers: string[]; digests: Set<string> }>();
  for (const reply of replies) {
    for (const replica of reply.replicas) {
      const entry = byReplica.get(replica.replicaId) ?? { path: replica.path, servers: [], digests: new Set<string>() };
      entry.servers.push(reply.server);
      entry.digests.add(replica.digest);
      byReplica.set(replica.replicaId, entry);
    }
  }

  const differences: ReplicaDifference[] = [];
  for (const [replicaId, entry] of byReplica) {
    if (entry.digests.size <= 1) continue;
    const listings = await Promise.all(entry.servers.map((server) => client.notes(server, replicaId).catch(() => undefined)));
    const states = new Map<string, Record<string, NoteSummary | undefined>>();
    listings.forEach((listing, index) => {
      if (listing === undefined) return;
      for (const note of listing.notes) {
        const row = states.get(note.unid) ?? {};
        row[entry.servers[index]] = note;
        states.set(note.unid, row);
      }
    });
    const notes = [...states.entries()]
      .filter(([, row]) => new Set(entry.servers.map((server) => JSON.stringify(row[server] ?? null))).size > 1)
      .map(([unid, row]) => ({ unid, states: Object.fromEntries(entry.servers.map((server) => [server, row[server]])) }));
    differences.push({ path: entry.path, replicaId, servers: entry.servers, notes });
  }
  return differences;
}

/** A report as lines a person can read in a failed test or the CLI. */
export function describeConvergence(report: ConvergenceReport): string[] {
  if (report.converged) return [`converged after ${report.elapsedMs} ms`];
  const lines = [`not converged after ${report.elapsedMs} ms`];
  for (const server of report.unreachable) lines.push(`${display(server)} did not respond`);
  for (const difference of report.differences) {
    lines.push(`${difference.path} (${difference.replicaId}) differs on ${difference.notes.length} notes`);
    for (const note of difference.notes.slice(0, 10)) {
      const states = Object.entries(note.states).map(([server, state]) => `${display(server)}: ${state === undefined ? 'missing' : `${state.winner}${state.deleted ? ' deleted' : ''}${state.conflicts.length > 0 ? ` conflicts ${state.conflicts.join(',')}` : ''}`}`);
      lines.push(`  ${note.unid}: ${states.join('; ')}`);
    }
  }
  return lines;
}

function display(server: string): string {
  try {
    return abbreviate(server);
  } catch {
    return server;
  }
}
