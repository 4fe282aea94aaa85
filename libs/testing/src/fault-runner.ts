import { formatLinkFault, type FaultSchedule } from '@domsim/replication';

import type { StartedTestDomain } from './started-test-domain';

/** What running a fault schedule did: the saves the servers acknowledged. */
export interface FaultRun {
  readonly acknowledgedSaves: number;
  /** Steps that failed, e.g. a workload sent to a server that was just killed; the run goes on. */
  readonly failures: readonly string[];
}

/**
 * Runs a fault schedule against a test domain, each step at its time. Link faults are set at
 * the console of a server that is up; killed servers come back where the schedule restarts
 * them. Healing the links is left to the caller.
 */
export async function runFaultSchedule(domain: StartedTestDomain, schedule: FaultSchedule): Promise<FaultRun> {
  const started = Date.now();
  const down = new Set<string>();
  const failures: string[] = [];
  let acknowledgedSaves = 0;
  const anyUp = () => domain.serverNames.find((server) => !down.has(server)) as string;

  for (const step of schedule.steps) {
    const wait = started + step.at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      switch (step.kind) {
        case 'link': {
          const fault = step.fault === undefined ? 'clear' : formatLinkFault(step.fault);
          const reply = await domain.command(anyUp(), `sim fault ${step.from} ${step.to} ${fault}`);
          if (!reply.ok) failures.push(`link ${step.from} -> ${step.to}: ${reply.lines.join(' ')}`);
          break;
        }
        case 'workload': {
          const reply = await domain.command(step.server, `sim workload ${step.operations} ${step.seed}`);
          if (reply.ok) acknowledgedSaves += step.operations;
          else failures.push(`workload on ${step.server}: ${reply.lines.join(' ')}`);
          break;
        }
        case 'kill':
          await domain.stopServer(step.server, 'SIGKILL');
          down.add(step.server);
          break;
        case 'restart':
          await domain.startServer(step.server);
          down.delete(step.server);
          break;
        case 'restart-nats':
          await domain.restartNats();
          break;
      }
    } catch (error) {
      failures.push(`${step.kind} at +${step.at} ms: ${(error as Error).message}`);
    }
  }
  return { acknowledgedSaves, failures };
}
