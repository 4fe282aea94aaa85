import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

import { commandLineOf, isAlive } from './processes';

/** File in the domain directory that records the processes `domsim up` started. */
export const RUN_STATE_FILE = 'run.json';

const runStateSchema = z.strictObject({
  format: z.literal(1),
  startedAt: z.string(),
  natsUrl: z.string().min(1),
  /** The login of the private NATS server; run.json is readable by its owner only. */
  natsCredentials: z.strictObject({ user: z.string().min(1), password: z.string().min(1) }).optional(),
  /** Set when domsim started the NATS server itself and must stop it. */
  nats: z.strictObject({ pid: z.number().int().positive(), logFile: z.string() }).optional(),
  /** Set when domsim started a NATS cluster (`up --nats-cluster N`): every node it must stop. */
  natsNodes: z
    .array(
      z.strictObject({
        pid: z.number().int().positive(),
        logFile: z.string(),
        url: z.string().min(1),
        /** What `domsim nats start` needs to start the node again on the same ports. */
        plan: z
          .strictObject({
            host: z.string(),
            port: z.number().int(),
            monitorPort: z.number().int(),
            serverName: z.string(),
            cluster: z.strictObject({ name: z.string(), port: z.number().int(), routes: z.array(z.string()) }).optional(),
          })
          .optional(),
      }),
    )
    .optional(),
  servers: z.array(
    z.strictObject({
      name: z.string().min(1),
      pid: z.number().int().positive(),
      dataDir: z.string().min(1),
      /** Text on the process's command line that tells it from another process with its pid; default the data directory. */
      processMarker: z.string().min(1).optional(),
    }),
  ),
  detached: z.boolean(),
  /** The `domsim up` process that supervises a domain running in the foreground. */
  supervisorPid: z.number().int().positive().optional(),
});

export type RunState = z.infer<typeof runStateSchema>;

export function writeRunState(root: string, state: RunState): void {
  writeFileSync(join(root, RUN_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Reads run.json; undefined when there is none or it cannot be read (a crash mid-write). */
export function readRunState(root: string): RunState | undefined {
  const file = join(root, RUN_STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const result = runStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export function removeRunState(root: string): void {
  rmSync(join(root, RUN_STATE_FILE), { force: true });
}

/**
 * True when the pid still belongs to the process that was recorded: alive, and (where
 * /proc exists) running with the recorded data directory or NATS log on its command line,
 * so a recycled pid is never taken for a domsim process.
 */
export function isRecordedProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const commandLine = commandLineOf(pid);
  return commandLine === undefined || commandLine.includes(marker);
}

/** The nats-server processes domsim started for a domain: one, every node of a cluster, or none. */
export function recordedNatsProcesses(state: RunState): Array<{ name: string; pid: number }> {
  const single = state.nats === undefined ? [] : [{ name: 'nats-server', pid: state.nats.pid }];
  const nodes = (state.natsNodes ?? []).map((node, index) => ({ name: `nats-server node ${index + 1} (${node.url})`, pid: node.pid }));
  return [...single, ...nodes];
}

/** Recorded processes that still run. */
export function liveProcesses(state: RunState): Array<{ name: string; pid: number }> {
  const live = state.servers.filter(isServerRunning).map(({ name, pid }) => ({ name, pid }));
  for (const nats of recordedNatsProcesses(state)) {
    if (isRecordedProcess(nats.pid, 'nats-server')) live.push(nats);
  }
  return live;
}

/** True while the process recorded for a server still runs it. */
export function isServerRunning(server: RunState['servers'][number]): boolean {
  return isRecordedProcess(server.pid, server.processMarker ?? server.dataDir);
}
