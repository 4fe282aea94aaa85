import { type ChildProcess, spawn, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '@domsim/topology';

import { trackAttachedChild } from './processes';

export interface ServerProcessOptions {
  readonly dataDir: string;
  readonly natsUrl: string;
  readonly detached?: boolean;
  readonly stdio?: StdioOptions;
  readonly environment?: Readonly<Record<string, string>>;
}

/** The compiled entry point of the server application. */
export function serverEntryPoint(): string {
  const entry = join(packageRoot(), 'dist', 'apps', 'server', 'src', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(`the server is not built (${entry} is missing); run npm run build in ${packageRoot()}`);
  }
  return entry;
}

/** Spawns one server process for a data directory. */
export function spawnServerProcess(options: ServerProcessOptions): ChildProcess {
  // The data directory is passed on the command line as well, so `domsim down` can tell
  // this process from another one that reuses its pid.
  const child = spawn(process.execPath, [serverEntryPoint(), '--data', options.dataDir, '--nats', options.natsUrl], {
    detached: options.detached ?? false,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...options.environment,
    },
  });
  if (options.detached === true) child.unref();
  else trackAttachedChild(child);
  return child;
}

/** The compiled entry point that hosts every server of a domain in one process. */
export function hostEntryPoint(): string {
  return serverEntryPoint().replace(/main\.js$/, 'host.js');
}

export interface HostProcessOptions {
  readonly root: string;
  readonly natsUrl: string;
  readonly detached?: boolean;
  readonly stdio?: StdioOptions;
  readonly environment?: Readonly<Record<string, string>>;
}

/** Spawns one process that runs every server of the domain in `root` (`domsim up --in-process`). */
export function spawnHostProcess(options: HostProcessOptions): ChildProcess {
  const child = spawn(process.execPath, [hostEntryPoint(), '--domain', options.root, '--nats', options.natsUrl], {
    detached: options.detached ?? false,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.environment },
  });
  if (options.detached === true) child.unref();
  else trackAttachedChild(child);
  return child;
}
