import type { ContainerRuntimeClient } from 'testcontainers';

import { type NatsNodePlan, natsServerArguments } from '@domsim/launcher';

import { HARNESS_LABEL, runtimeClient, SESSION_LABEL, testSession } from './harness-containers';
import type { RunningNatsNode } from './test-nats';

export type ContainerProbe = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly detail: string };

const probes = new Map<string, Promise<ContainerProbe>>();

/**
 * Checks that a Docker engine responds and that the image is present or can be pulled, once
 * per image and process. Never throws: the reason for a failure is in `detail`.
 */
export function probeContainerNats(image: string): Promise<ContainerProbe> {
  let probe = probes.get(image);
  if (probe === undefined) {
    probe = probeOnce(image);
    probes.set(image, probe);
  }
  return probe;
}

async function probeOnce(image: string): Promise<ContainerProbe> {
  let client: ContainerRuntimeClient;
  try {
    client = await runtimeClient();
  } catch (error) {
    return { ok: false, detail: `no Docker engine is reachable (${firstLine(error)})` };
  }
  const engine = `Docker engine ${client.info.containerRuntime.serverVersion} at ${process.env.DOCKER_HOST ?? client.info.containerRuntime.remoteSocketPath}`;

  const { ImageName } = await import('testcontainers');
  const name = ImageName.fromString(image);
  try {
    if (await client.image.exists(name)) return { ok: true, detail: `${engine}, image present` };
  } catch (error) {
    return { ok: false, detail: `${engine} cannot inspect image ${image} (${firstLine(error)})` };
  }
  try {
    await client.image.pull(name);
    return { ok: true, detail: `${engine}, image pulled` };
  } catch (error) {
    return { ok: false, detail: `${engine} has no image ${image} and cannot pull it (${firstLine(error)})` };
  }
}

/**
 * Starts one planned node in a container on the host's network, so it listens on the
 * planned loopback ports like the binary does.
 */
export async function startContainerNode(image: string, plan: NatsNodePlan, timeoutMs: number): Promise<RunningNatsNode> {
  const { GenericContainer, Wait } = await import('testcontainers');
  // NOTE: host networking makes the container listen on the host's loopback. Only a Docker
  // engine on Linux offers it, and port mapping (so NatsContainer too) does not work in it.
  const container = await new GenericContainer(image)
    .withNetworkMode('host')
    .withCommand(natsServerArguments(plan))
    .withLabels({ [HARNESS_LABEL]: 'harness', [SESSION_LABEL]: testSession() })
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .withStartupTimeout(timeoutMs)
    .start();
  return {
    stop: async () => {
      await container.stop({ timeout: 5_000, remove: true });
    },
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
