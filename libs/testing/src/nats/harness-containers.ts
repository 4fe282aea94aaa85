import type { ContainerRuntimeClient } from 'testcontainers';

// NOTE: this file imports no @domsim path alias, because jest loads the global teardown
// that uses it without the project's module mapping.

/** Label on every container the harness starts; the global teardown removes containers by it. */
export const HARNESS_LABEL = 'org.domsim.test';
/** Label naming the test run (DOMSIM_TEST_SESSION), so one run never removes another's containers. */
export const SESSION_LABEL = 'org.domsim.test.session';

/** Returns the test run's id, set by the global setup, or makes one for this process. */
export function testSession(): string {
  if (process.env.DOMSIM_TEST_SESSION === undefined || process.env.DOMSIM_TEST_SESSION === '') {
    process.env.DOMSIM_TEST_SESSION = `pid-${process.pid}-${Date.now().toString(36)}`;
  }
  return process.env.DOMSIM_TEST_SESSION;
}

/**
 * Removes every container the harness labelled for this test run, running or not. Containers
 * whose start failed are not stopped by anything else, because the Ryuk reaper is disabled.
 * Returns how many were removed; 0 when no Docker engine is reachable.
 */
export async function removeHarnessContainers(session = process.env.DOMSIM_TEST_SESSION): Promise<number> {
  let client: ContainerRuntimeClient;
  try {
    client = await runtimeClient();
  } catch {
    return 0;
  }
  const labels = [`${HARNESS_LABEL}=harness`, ...(session === undefined || session === '' ? [] : [`${SESSION_LABEL}=${session}`])];
  const containers = await client.container.dockerode.listContainers({ all: true, filters: { label: labels } });
  await Promise.all(containers.map((info) => client.container.dockerode.getContainer(info.Id).remove({ force: true })));
  return containers.length;
}

export async function runtimeClient(): Promise<ContainerRuntimeClient> {
  // NOTE: the Ryuk reaper runs from an image that must be pulled. The harness removes its own
  // containers instead, so Ryuk is off unless the environment turns it on.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  // NOTE: NATS containers use the host's network and listen on its loopback, so that is the
  // container host. Without this, testcontainers running inside a container looks for the
  // gateway of a `bridge` network, which a daemon started with --bridge=none lacks.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  const { getContainerRuntimeClient } = await import('testcontainers');
  return getContainerRuntimeClient();
}

