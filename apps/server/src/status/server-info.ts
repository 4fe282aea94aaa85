import { join } from 'node:path';

import type { DirectoryStore } from '@domsim/directory';
import { abbreviate } from '@domsim/names';

import type { ServerRuntime } from '../config/server-runtime';
import { CONSOLE_LOG_DIRECTORY, CONSOLE_LOG_FILE } from '../console/console-output.service';
import type { ServerStatusService } from './server-status.service';

// NOTE: read from package.json at build time would pull it into the output tree; the
// version is kept here and checked by a unit test against package.json.
export const DOMSIM_VERSION = '0.1.0';

/** Lines of `show server`, in the layout of Domino's. */
export function showServerLines(runtime: ServerRuntime, status: ServerStatusService, replicatorActivity: string): string[] {
  const { setup } = runtime;
  const title = setup.title === '' ? '' : ` - ${setup.title}`;
  const rows: Array<[string, string]> = [
    ['Server name:', `${abbreviate(setup.server)}${title}`],
    ['Domain name:', setup.domain],
    ['Server directory:', runtime.dataDir],
    ['Elapsed time:', formatElapsed(status.elapsedMs())],
    ['Transactions:', String(status.transactionCount())],
    ['Availability Index:', '100 (state: AVAILABLE)'],
    ['Replicator:', replicatorActivity],
    ['HTTP Server:', status.httpAddress === undefined ? 'Not started' : `Listening on ${status.httpAddress}`],
    ['Diagnostic Directory:', join(runtime.dataDir, CONSOLE_LOG_DIRECTORY)],
    ['Console Log File:', join(runtime.dataDir, CONSOLE_LOG_DIRECTORY, CONSOLE_LOG_FILE)],
  ];
  return [
    `HCL Domino (r) Server (simulated by domsim ${DOMSIM_VERSION} for Linux/64)`,
    ...rows.map(([label, value]) => `${label.padEnd(24)}${value}`),
    ...showTasksLines(runtime, status, replicatorActivity).slice(2),
  ];
}

/** Lines of `sim show replicas`: one block per replica this server hosts. */
export function showReplicaLines(store: DirectoryStore): string[] {
  return store.replicas().flatMap((replica) => {
    const vector = Object.entries(store.versionVector(replica.replicaId))
      .map(([originator, counter]) => `${abbreviate(originator)}:${counter}`)
      .join(' ');
    return [
      `${replica.info.path}  replica ID ${replica.replicaId}  ${replica.noteCount()} notes`,
      `  version vector ${vector === '' ? '(empty)' : vector}`,
      `  digest ${replica.digest()}`,
    ];
  });
}

/** Lines of `show tasks`. */
export function showTasksLines(runtime: ServerRuntime, status: ServerStatusService, replicatorActivity: string): string[] {
  const tasks: Array<[string, string]> = [
    ['Database Server', 'Perform console commands'],
    ['Database Server', 'Listen for replication requests on NATS'],
    ['Replicator', replicatorActivity],
    ['Admin Process', 'Idle'],
  ];
  if (status.httpAddress !== undefined) tasks.push(['HTTP Server', `Listening on ${status.httpAddress}`]);
  return [
    `HCL Domino Server        ${abbreviate(runtime.setup.server)}`,
    `Server directory         ${runtime.dataDir}`,
    `${'Task'.padEnd(25)}Description`,
    ...tasks.map(([task, description]) => `${task.padEnd(25)}${description}`),
  ];
}

function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const two = (value: number) => String(value).padStart(2, '0');
  const days = Math.floor(seconds / 86_400);
  const clock = `${two(Math.floor((seconds % 86_400) / 3600))}:${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
  return days > 0 ? `${days} days ${clock}` : clock;
}
