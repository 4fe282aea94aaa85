import { describeConvergence, type DomainClient, type HealthReply, waitForConvergence as waitForReplicas } from '@domsim/client';

import { ConvergenceTimeoutError } from './errors';

/**
 * Waits until every replica shows one digest on all servers that host it, and returns their
 * health replies.
 *
 * @throws ConvergenceTimeoutError at the deadline, listing the servers that did not respond
 * and, per database, the notes on which the servers differ.
 */
export async function waitForConvergence(client: DomainClient, servers: readonly string[], timeoutMs: number): Promise<HealthReply[]> {
  const report = await waitForReplicas(client, servers, timeoutMs);
  if (!report.converged) throw new ConvergenceTimeoutError(timeoutMs, describeConvergence(report).slice(1));
  return Promise.all(servers.map((server) => client.health(server)));
}
