import { join, resolve } from 'node:path';

import { readDomainManifest } from '@domsim/topology';

import { readServerEnvironment } from './config/server-config';
import { type StartedServer, startServer } from './server-bootstrap';

/** Servers started at once while the host starts the domain; more only adds contention. */
const START_CONCURRENCY = 8;

/**
 * Hosts every server of a domain in this one Node process, each still its own NestJS
 * application with its own event log, data directory and NATS connections
 * (`domsim up --in-process`). Arguments: `--domain DIR --nats URL`; SIGTERM or SIGINT stops
 * them all.
 */
async function host(args: readonly string[]): Promise<void> {
  const options = parseArguments(args);
  const manifest = readDomainManifest(options.domain);
  if (manifest === undefined) throw new Error(`no domain in ${options.domain}: domain.json is missing; create it with domsim setup`);

  const running = new Map<string, StartedServer>();
  const stopAll = async () => {
    await Promise.allSettled([...running.values()].map((server) => server.close()));
    running.clear();
  };
  const stopOne = (name: string) => {
    const server = running.get(name);
    running.delete(name);
    void server?.close();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void stopAll().then(() => process.exit(0)));
  }

  const ordered = [...manifest.servers].sort((a, b) => Number(b.administrationServer) - Number(a.administrationServer));
  const start = async (entry: (typeof ordered)[number]) => {
    const environment = readServerEnvironment({ ...process.env, DOMSIM_DATA_DIR: join(options.domain, entry.dataDir), DOMSIM_NATS_URL: options.nats });
    running.set(entry.name, await startServer(environment, { inProcess: true, requestExit: () => stopOne(entry.name) }));
  };
  await start(ordered[0]);
  const rest = ordered.slice(1);
  for (let index = 0; index < rest.length; index += START_CONCURRENCY) {
    await Promise.all(rest.slice(index, index + START_CONCURRENCY).map(start));
  }
  process.stdout.write(`domsim host: ${running.size} servers of domain ${manifest.domain} run in process ${process.pid}\n`);
}

function parseArguments(args: readonly string[]): { domain: string; nats: string } {
  const values: Record<string, string> = {};
  for (let index = 0; index < args.length; index += 2) {
    if (args[index] !== '--domain' && args[index] !== '--nats') throw new Error(`unknown argument ${args[index]}; the host takes --domain DIR --nats URL`);
    if (args[index + 1] === undefined) throw new Error(`${args[index]} needs a value`);
    values[args[index].slice(2)] = args[index + 1];
  }
  if (values.domain === undefined || values.nats === undefined) throw new Error('give --domain DIR and --nats URL');
  return { domain: resolve(values.domain), nats: values.nats };
}

host(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`domsim host: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
