import { isAlive, isRecordedProcess, isServerRunning, readRunState, recordedNatsProcesses, removeRunState, terminate, waitFor } from '@domsim/launcher';
import { abbreviate } from '@domsim/names';

import { ExitCode } from '../cli-error';
import { openDomainDirectory } from '../domain-context';

/** How long a server gets to close its log and connections before it is killed. */
const STOP_GRACE_MS = 15_000;

/** `domsim down`: stops what `domsim up` started and keeps the data. */
export async function runDown(options: { readonly data: string }): Promise<number> {
  const { root, manifest } = openDomainDirectory(options.data);
  const state = readRunState(root);
  if (state === undefined) {
    process.stdout.write(`Domain ${manifest.domain} in ${options.data} is not running; nothing to stop.\n`);
    return ExitCode.Ok;
  }

  // A foreground `domsim up` stops its own processes when asked; let it.
  if (state.supervisorPid !== undefined && isAlive(state.supervisorPid) && state.supervisorPid !== process.pid) {
    process.kill(state.supervisorPid, 'SIGTERM');
    await waitFor(() => !isAlive(state.supervisorPid as number), STOP_GRACE_MS + 5_000, 50);
  }

  const servers = [...state.servers].reverse();
  await Promise.all(
    servers.map(async (server) => {
      if (!isServerRunning(server)) return;
      const outcome = await terminate(server.pid, STOP_GRACE_MS);
      process.stdout.write(`Stopped ${abbreviate(server.name)} (pid ${server.pid}${outcome === 'killed' ? ', killed after it did not stop in time' : ''})\n`);
    }),
  );
  for (const nats of recordedNatsProcesses(state)) {
    if (!isRecordedProcess(nats.pid, 'nats-server')) continue;
    await terminate(nats.pid, 5_000);
    process.stdout.write(`Stopped ${nats.name} (pid ${nats.pid})\n`);
  }
  removeRunState(root);
  process.stdout.write(`Domain ${manifest.domain} stopped; its data in ${options.data} is kept.\n`);
  return ExitCode.Ok;
}
