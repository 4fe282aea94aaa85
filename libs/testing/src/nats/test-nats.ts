import { allocateNatsCluster, findNatsServerBinary, type NatsNodePlan, waitForRoutes } from '@domsim/launcher';

import { InvalidTestDomainError, TestNatsError } from '../errors';
import { startBinaryNode } from './binary-nats';
import { probeContainerNats, startContainerNode } from './container-nats';

/** Source of NATS the harness uses: `auto` prefers a container and falls back to the binary. */
export type NatsMode = 'auto' | 'container' | 'binary';

/** Source of the NATS nodes the harness started. */
export type NatsSource = 'container' | 'binary';

/** The official NATS image, used when DOMSIM_NATS_IMAGE does not name another one. */
export const DEFAULT_NATS_IMAGE = 'nats:2.10';

const NATS_MODES: readonly NatsMode[] = ['auto', 'container', 'binary'];

export interface TestNatsOptions {
  /** Number of nodes; more than one forms a cluster. Default 1. */
  readonly nodes?: number;
  /** Default: DOMSIM_TEST_NATS, else auto. */
  readonly mode?: NatsMode;
  /** Container image whose entry point is nats-server. Default: DOMSIM_NATS_IMAGE, else the official nats image. */
  readonly image?: string;
  /** Receives one line saying which NATS was chosen and why. Default: standard error. */
  readonly log?: (line: string) => void;
  readonly startTimeoutMs?: number;
}

/** One running node: a process or a container. */
export interface RunningNatsNode {
  stop(): Promise<void>;
}

/** NATS for a test domain: one node or a cluster on loopback, from a container or the local binary. */
export interface TestNats {
  readonly source: NatsSource;
  /** The image or the binary path. */
  readonly origin: string;
  readonly plans: readonly NatsNodePlan[];
  /** Client URLs of every node, in node order. */
  readonly urls: readonly string[];
  isNodeRunning(index: number): boolean;
  stopNode(index: number): Promise<void>;
  startNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** Reads the NATS mode from DOMSIM_TEST_NATS. */
export function natsModeFromEnvironment(environment: NodeJS.ProcessEnv = process.env): NatsMode {
  const value = environment.DOMSIM_TEST_NATS;
  if (value === undefined || value === '') return 'auto';
  if (!(NATS_MODES as readonly string[]).includes(value)) {
    throw new InvalidTestDomainError(`invalid DOMSIM_TEST_NATS "${value}": set it to ${NATS_MODES.join(', ')}, or unset it for auto`);
  }
  return value as NatsMode;
}

/**
 * Starts NATS for a test domain. In `auto` mode a container is used when a Docker engine
 * is reachable and the image is present or can be pulled; otherwise the local nats-server
 * binary. The choice and its reason are logged. `container` and `binary` fail instead of
 * falling back.
 *
 * @throws TestNatsError when the requested source cannot start.
 */
export async function startTestNats(options: TestNatsOptions = {}): Promise<TestNats> {
  const mode = options.mode ?? natsModeFromEnvironment();
  const image = options.image ?? (process.env.DOMSIM_NATS_IMAGE || DEFAULT_NATS_IMAGE);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const nodes = options.nodes ?? 1;

  const source = await chooseSource(mode, image);
  const plans = await allocateNatsCluster(nodes);
  const running: Array<RunningNatsNode | undefined> = plans.map(() => undefined);
  const startNode = async (index: number): Promise<void> => {
    running[index] = source.kind === 'container' ? await startContainerNode(image, plans[index], timeoutMs) : await startBinaryNode(plans[index], timeoutMs);
  };
  const stop = async (): Promise<void> => {
    await Promise.all(running.map((node) => node?.stop()));
    running.fill(undefined);
  };

  try {
    await Promise.all(plans.map((_plan, index) => startNode(index)));
    await waitForRoutes(plans, nodes - 1, timeoutMs);
  } catch (error) {
    await stop();
    throw new TestNatsError(`NATS from ${source.origin} did not start: ${(error as Error).message}`);
  }
  log(`domsim testing: NATS ${nodes === 1 ? 'server' : `cluster of ${nodes} nodes`} on ${plans.map((plan) => plan.url).join(', ')} from ${source.kind} ${source.origin} (${source.reason})`);

  return {
    source: source.kind,
    origin: source.origin,
    plans,
    urls: plans.map((plan) => plan.url),
    isNodeRunning: (index) => running[index] !== undefined,
    stopNode: async (index) => {
      await running[index]?.stop();
      running[index] = undefined;
    },
    startNode: async (index) => {
      if (running[index] !== undefined) return;
      await startNode(index);
      await waitForRoutes([plans[index]], running.filter((node) => node !== undefined).length - 1, timeoutMs);
    },
    stop,
  };
}

interface ChosenSource {
  readonly kind: NatsSource;
  readonly origin: string;
  readonly reason: string;
}

async function chooseSource(mode: NatsMode, image: string): Promise<ChosenSource> {
  if (mode === 'binary') return binarySource('binary mode requested');

  const probe = await probeContainerNats(image);
  if (probe.ok) return { kind: 'container', origin: image, reason: probe.detail };
  if (mode === 'container') {
    throw new TestNatsError(`a NATS container was requested, but ${probe.detail}; start a Docker engine (or set DOCKER_HOST), set DOMSIM_NATS_IMAGE to an image you have, or use DOMSIM_TEST_NATS=binary`);
  }
  return binarySource(`auto mode, and ${probe.detail}`);
}

function binarySource(reason: string): ChosenSource {
  return { kind: 'binary', origin: findNatsServerBinary(), reason };
}
