import { removeHarnessContainers } from '../libs/testing/src/nats/harness-containers';

/**
 * Removes NATS containers the harness left behind, e.g. ones whose start failed: the Ryuk
 * reaper that would otherwise remove them is disabled.
 */
export default async function globalTeardown(): Promise<void> {
  const removed = await removeHarnessContainers(process.env.DOMSIM_TEST_SESSION);
  if (removed > 0) process.stderr.write(`domsim testing: removed ${removed} leftover NATS container(s)\n`);
}
