import { type NatsNodePlan, startNatsServer } from '@domsim/launcher';

import type { RunningNatsNode } from './test-nats';

/** Starts one planned node as a child process of the local nats-server binary. */
export async function startBinaryNode(plan: NatsNodePlan, timeoutMs: number): Promise<RunningNatsNode> {
  const server = await startNatsServer({ ...plan, startTimeoutMs: timeoutMs });
  return { stop: () => server.stop() };
}
