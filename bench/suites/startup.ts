import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Result } from '../report';
import { now } from '../stats';
import { residentMegabytes } from './load';
import { benchTopology } from './topology-text';

const CLI = join(__dirname, '..', '..', '..', 'bin', 'domsim.js');

/** Times `domsim up --detach` on a new directory until every console answers and the replicas agree. */
export function measureStartup(servers: number): Result[] {
  const directory = mkdtempSync(join(tmpdir(), 'domsim-bench-up-'));
  const topology = join(directory, 'topology.yaml');
  writeFileSync(topology, benchTopology(servers));
  const data = join(directory, 'domain');
  try {
    const createStart = now();
    const setup = spawnSync(process.execPath, [CLI, 'setup', '--data', data, '--topology', topology], { encoding: 'utf8' });
    if (setup.status !== 0) throw new Error(`domsim setup failed: ${setup.stderr}`);
    const setupMs = now() - createStart;

    const start = now();
    const up = spawnSync(process.execPath, [CLI, 'up', '--data', data, '--detach', '--timeout', '120'], { encoding: 'utf8' });
    const upMs = now() - start;
    if (up.status !== 0) throw new Error(`domsim up failed: ${up.stderr}`);
    const state = JSON.parse(readFileSync(join(data, 'run.json'), 'utf8')) as { servers: Array<{ pid: number }> };
    const rss = state.servers.map((server) => residentMegabytes(server.pid));
    spawnSync(process.execPath, [CLI, 'down', '--data', data], { encoding: 'utf8' });

    return [
      {
        suite: `start-up, ${servers} servers`,
        metric: 'domsim up --detach until every console answers and the replicas agree',
        value: upMs / 1000,
        unit: 's',
        target: servers === 3 ? { value: 3, better: 'lower' } : undefined,
        note: servers === 3 ? `creating the domain (certifier keys, setup files) took ${(setupMs / 1000).toFixed(1)} s more, once` : undefined,
      },
      { suite: `start-up, ${servers} servers`, metric: 'mean RSS per server process, idle', value: rss.reduce((total, value) => total + value, 0) / rss.length, unit: 'MB', target: { value: 100, better: 'lower' }, bound: 'memory' },
    ];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
