import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

import { DomainSubjects } from '@domsim/replication';
import { SERVER_SETUP_FILE, type ServerSetup, serverSetupSchema } from '@domsim/topology';

import type { ServerEnvironment } from './server-config';

/** Everything fixed for the life of one server process. */
export interface ServerRuntime {
  readonly environment: ServerEnvironment;
  readonly dataDir: string;
  readonly setup: ServerSetup;
  readonly subjects: DomainSubjects;
  readonly startedAt: Date;
  /** True when the server shares its Node process with others (`domsim up --in-process`). */
  readonly inProcess: boolean;
  /** Ends this server: `stop` cleanly, `kill` at once, as `sim server stop|kill` asks. */
  readonly requestExit: (kind: 'stop' | 'kill') => void;
}

/** How a server's process hosts it. */
export interface ServerHosting {
  readonly inProcess: boolean;
  readonly requestExit: (kind: 'stop' | 'kill') => void;
}

/** A server that has its Node process to itself: stopping it ends the process. */
export const OWN_PROCESS: ServerHosting = {
  inProcess: false,
  requestExit: (kind) => process.kill(process.pid, kind === 'kill' ? 'SIGKILL' : 'SIGTERM'),
};

/** The data directory has no usable server.json. */
export class InvalidServerSetupError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`cannot start: ${file}: ${reason}`);
    this.name = 'InvalidServerSetupError';
  }
}

export function loadServerRuntime(environment: ServerEnvironment, hosting: ServerHosting = OWN_PROCESS): ServerRuntime {
  let dataDir: string;
  try {
    dataDir = realpathSync(environment.DOMSIM_DATA_DIR);
  } catch {
    throw new InvalidServerSetupError(environment.DOMSIM_DATA_DIR, 'the data directory does not exist; create the domain with `domsim up` or `domsim setup` first');
  }
  const file = join(dataDir, SERVER_SETUP_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidServerSetupError(file, code === 'ENOENT' ? 'the file is missing; this is not a server data directory' : `not valid JSON (${(error as Error).message})`);
  }
  const result = serverSetupSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidServerSetupError(file, `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return { environment, dataDir, setup: result.data, subjects: new DomainSubjects(result.data.domain), startedAt: new Date(), ...hosting };
}
