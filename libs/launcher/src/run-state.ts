import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

import { commandLineOf, isSameProcess } from './processes';

/** File in the domain directory that records the processes `domsim up` started. */
export const RUN_STATE_FILE = 'run.json';

/** Process identity (`processIdentity`) recorded with a pid; absent in files from older versions. */
const identitySchema = z.string().min(1).optional();

const runStateSchema = z.strictObject({
  format: z.literal(1),
  startedAt: z.string(),
  natsUrl: z.string().min(1),
  /** The login of the private NATS server; run.json is readable by its owner only. */
  natsCredentials: z.strictObject({ user: z.string().min(1), password: z.string().min(1) }).optional(),
  /** Set when domsim started the NATS server itself and must stop it. */
  nats: z.strictObject({ pid: z.number().int().positive(), logFile: z.string(), identity: identitySchema }).optional(),
  /** Set when domsim started a NATS cluster (`up --nats-cluster N`): every node it must stop. */
  natsNodes: z
    .array(
      z.strictObject({
        pid: z.number().int().positive(),
        logFile: z.string(),
        url: z.string().min(1),
        identity: identitySchema,
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
      identity: identitySchema,
    }),
  ),
  detached: z.boolean(),
  /** The `domsim up` process that supervises a domain running in the foreground. */
  supervisorPid: z.number().int().positive().optional(),
  supervisorIdentity: identitySchema,
});

export type RunState = z.infer<typeof runStateSchema>;

/** run.json exists but cannot be used: not JSON, or not the shape `domsim up` writes. */
export class InvalidRunStateError extends Error {
  readonly code = 'INVALID_RUN_STATE';

  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} is not a valid record of a running domain: ${reason}`);
    this.name = 'InvalidRunStateError';
  }
}

/** Writes run.json through a temporary file and a rename, so a reader never sees half a file. */
export function writeRunState(root: string, state: RunState): void {
  const file = join(root, RUN_STATE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/**
 * Reads run.json; undefined when there is none.
 *
 * @throws InvalidRunStateError when the file is not JSON or not a run record.
 */
export function readRunState(root: string): RunState | undefined {
  const file = join(root, RUN_STATE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InvalidRunStateError(file, `it cannot be read (${(error as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidRunStateError(file, `it is not valid JSON (${(error as Error).message})`);
  }
  const result = runStateSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidRunStateError(file, `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return result.data;
}

export function removeRunState(root: string): void {
  rmSync(join(root, RUN_STATE_FILE), { force: true });
}

/**
 * True when the pid still belongs to the process that was recorded. Where an identity was
 * recorded, the boot and start time must match. Where /proc exists, the command line must
 * contain the marker (the data directory, or nats-server). A recycled pid therefore fails.
 */
export function isRecordedProcess(pid: number, marker: string, identity?: string): boolean {
  if (!isSameProcess(pid, identity)) return false;
  const commandLine = commandLineOf(pid);
  return commandLine === undefined || commandLine.includes(marker);
}

/** The nats-server processes domsim started for a domain: one, every node of a cluster, or none. */
export function recordedNatsProcesses(state: RunState): Array<{ name: string; pid: number; identity?: string }> {
  const single = state.nats === undefined ? [] : [{ name: 'nats-server', pid: state.nats.pid, identity: state.nats.identity }];
  const nodes = (state.natsNodes ?? []).map((node, index) => ({ name: `nats-server node ${index + 1} (${node.url})`, pid: node.pid, identity: node.identity }));
  return [...single, ...nodes];
}

/** True while a recorded nats-server process still runs. */
export function isNatsRunning(nats: { pid: number; identity?: string }): boolean {
  return isRecordedProcess(nats.pid, 'nats-server', nats.identity);
}

/** Recorded processes that still run. */
export function liveProcesses(state: RunState): Array<{ name: string; pid: number }> {
  const live = state.servers.filter(isServerRunning).map(({ name, pid }) => ({ name, pid }));
  for (const nats of recordedNatsProcesses(state)) {
    if (isNatsRunning(nats)) live.push({ name: nats.name, pid: nats.pid });
  }
  return live;
}

/** True while the process recorded for a server still runs it. */
export function isServerRunning(server: RunState['servers'][number]): boolean {
  return isRecordedProcess(server.pid, server.processMarker ?? server.dataDir, server.identity);
}
