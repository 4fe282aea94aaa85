import { abbreviate } from '@domsim/names';

import { formatLinkFault, type LinkFault } from './link-fault';
import { type Random, seededRandom } from './link-gate';

/** One step of a fault schedule, `at` milliseconds after it starts. */
export type FaultStep =
  | { readonly at: number; readonly kind: 'link'; readonly from: string; readonly to: string; readonly fault: LinkFault | undefined }
  | { readonly at: number; readonly kind: 'workload'; readonly server: string; readonly operations: number; readonly seed: number }
  | { readonly at: number; readonly kind: 'kill'; readonly server: string }
  | { readonly at: number; readonly kind: 'restart'; readonly server: string }
  | { readonly at: number; readonly kind: 'restart-nats' };

export interface FaultSchedule {
  readonly seed: number;
  readonly steps: readonly FaultStep[];
}

export interface FaultScheduleOptions {
  readonly servers: readonly string[];
  /** Steps before the schedule heals; default 8. */
  readonly steps?: number;
  /** Time between steps in ms; default 150. */
  readonly stepMs?: number;
  /** Whether steps may kill -9 a server (restarted before the schedule ends); default true. */
  readonly crashes?: boolean;
  readonly natsRestarts?: boolean;
}

/**
 * Generates a fault schedule from a seed: link faults on random directed links, workloads on
 * random servers, and now and then a `kill -9` of a server or a restart of NATS. The same seed
 * and options always give the same schedule, so a failing run can be replayed. Every server
 * killed is restarted by the last step; healing the links is left to the caller.
 */
export function generateFaultSchedule(seed: number, options: FaultScheduleOptions): FaultSchedule {
  const random = seededRandom(seed);
  const stepMs = options.stepMs ?? 150;
  const count = options.steps ?? 8;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const steps: FaultStep[] = [];
  const down = new Set<string>();

  for (let index = 0; index < count; index += 1) {
    const at = index * stepMs;
    const roll = random();
    const up = options.servers.filter((server) => !down.has(server));
    if (roll < 0.4 && options.servers.length > 1) {
      const from = pick(options.servers);
      const to = pick(options.servers.filter((server) => server !== from));
      steps.push({ at, kind: 'link', from, to, fault: randomFault(random) });
    } else if (roll < 0.8 || up.length === 0) {
      if (up.length > 0) steps.push({ at, kind: 'workload', server: pick(up), operations: 1 + Math.floor(random() * 20), seed: Math.floor(random() * 1e9) });
    } else if (roll < 0.92 && options.crashes !== false && up.length > 1) {
      const victim = pick(up);
      down.add(victim);
      steps.push({ at, kind: 'kill', server: victim });
    } else if (options.natsRestarts === true) {
      steps.push({ at, kind: 'restart-nats' });
    }
  }
  const end = count * stepMs;
  for (const server of down) steps.push({ at: end, kind: 'restart', server });
  return { seed, steps };
}

function randomFault(random: Random): LinkFault | undefined {
  const roll = random();
  if (roll < 0.15) return undefined;
  if (roll < 0.4) return { partition: true };
  const fault: { -readonly [K in keyof LinkFault]: LinkFault[K] } = {};
  if (random() < 0.6) fault.latencyMs = Math.round(random() * 80);
  if (random() < 0.5) fault.jitterMs = Math.round(random() * 30);
  if (random() < 0.5) fault.drop = Math.round(random() * 50) / 100;
  if (random() < 0.4) fault.duplicate = Math.round(random() * 30) / 100;
  if (random() < 0.4) fault.reorder = Math.round(random() * 40) / 100;
  return fault;
}

/** The schedule as lines to print, so a failing run shows what to replay. */
export function formatFaultSchedule(schedule: FaultSchedule): string[] {
  const name = (server: string) => {
    try {
      return abbreviate(server);
    } catch {
      return server;
    }
  };
  return [
    `fault schedule, seed ${schedule.seed}:`,
    ...schedule.steps.map((step) => {
      const when = `+${String(step.at).padStart(5)} ms`;
      switch (step.kind) {
        case 'link':
          return `${when}  link ${name(step.from)} -> ${name(step.to)}: ${formatLinkFault(step.fault)}`;
        case 'workload':
          return `${when}  workload of ${step.operations} saves on ${name(step.server)} (seed ${step.seed})`;
        case 'kill':
          return `${when}  kill -9 ${name(step.server)}`;
        case 'restart':
          return `${when}  restart ${name(step.server)}`;
        case 'restart-nats':
          return `${when}  restart nats-server`;
      }
    }),
  ];
}
