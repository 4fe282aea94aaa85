import { type DomainClient, type HealthReply, replicasAgree } from '@domsim/client';
import { abbreviate } from '@domsim/names';

import { ConvergenceTimeoutError } from './errors';

const POLL_INTERVAL_MS = 50;

/**
 * Polls the health of `servers` until every one responds and every replica shows one digest
 * on all servers that host it, and returns those health replies.
 *
 * @throws ConvergenceTimeoutError at the deadline, listing the differing digests and the
 * servers that did not respond.
 */
export async function waitForConvergence(client: DomainClient, servers: readonly string[], timeoutMs: number): Promise<HealthReply[]> {
  const deadline = Date.now() + timeoutMs;
  let differences: string[] = [];
  for (;;) {
    const replies = await Promise.all(servers.map((server) => client.health(server, Math.max(200, Math.min(2_000, deadline - Date.now()))).catch((error: Error) => error)));
    const answered = replies.filter((reply): reply is HealthReply => !(reply instanceof Error));
    if (answered.length === servers.length && replicasAgree(answered)) return answered;

    differences = describeDifferences(servers, replies);
    if (Date.now() >= deadline) throw new ConvergenceTimeoutError(timeoutMs, differences);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

function describeDifferences(servers: readonly string[], replies: ReadonlyArray<HealthReply | Error>): string[] {
  const lines: string[] = [];
  const digests = new Map<string, Array<{ server: string; digest: string }>>();
  replies.forEach((reply, index) => {
    if (reply instanceof Error) {
      lines.push(`${abbreviate(servers[index])} did not respond: ${reply.message}`);
      return;
    }
    for (const replica of reply.replicas) {
      const list = digests.get(replica.path) ?? [];
      list.push({ server: abbreviate(reply.server), digest: replica.digest.slice(0, 12) });
      digests.set(replica.path, list);
    }
  });
  for (const [path, list] of digests) {
    if (new Set(list.map((entry) => entry.digest)).size > 1) lines.push(`${path}: ${list.map((entry) => `${entry.server} ${entry.digest}`).join(', ')}`);
  }
  return lines;
}
