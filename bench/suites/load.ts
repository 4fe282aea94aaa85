import { readFileSync } from 'node:fs';

import { type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import type { Result } from '../report';
import { now } from '../stats';
import type { Floors } from './floors';

export interface LoadOptions {
  readonly seconds: number;
  readonly catchUpEvents: number;
}

/** Resident memory of a process in MB, from /proc. */
export function residentMegabytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]) / 1024;
}

async function counterOn(domain: StartedTestDomain, server: string, originator: string): Promise<number> {
  const health = await domain.client.health(server, 30_000);
  return health.replicas.find((replica) => replica.path === 'names.nsf')?.vector[originator] ?? 0;
}

async function waitForCounter(domain: StartedTestDomain, server: string, originator: string, counter: number, timeoutMs: number, progress?: (value: number) => void): Promise<void> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const value = await counterOn(domain, server, originator).catch(() => 0);
    progress?.(value);
    if (value >= counter) return;
    if (now() > deadline) throw new Error(`${server} reached ${value} of ${counter} events from ${originator}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Catch-up, memory and throughput on a three-server domain: server3 is stopped while server1
 * writes `catchUpEvents` test documents, then restarted to catch up, and the memory of every
 * server is read; then server1 writes for `seconds`, and the rate counts only what both other
 * servers stored.
 */
export async function measureLoad(options: LoadOptions, floors: Floors): Promise<{ results: Result[]; raw: Record<string, unknown> }> {
  const domain = await new TestDomainBuilder().withServers(3).withNatsMode('binary').withStartTimeout(60_000).withLogger(() => undefined).start();
  try {
    const [server1, server2, server3] = domain.serverNames;
    const idleMb = domain.serverNames.map((server) => residentMegabytes(domain.pidOf(server)));

    await domain.stopServer(server3);
    const beforeGap = await counterOn(domain, server1, server1);
    const writes = Math.ceil(options.catchUpEvents / 20_000);
    for (let batch = 0; batch < writes; batch += 1) await domain.client.runCommand(server1, `sim write ${Math.min(20_000, options.catchUpEvents - batch * 20_000)} 1000`, 120_000);
    const target = await counterOn(domain, server1, server1);
    const missed = target - beforeGap;
    const progress: number[] = [];
    const catchUpStart = now();
    await domain.startServer(server3);
    const answeredAt = now();
    const heldOnAnswer = await counterOn(domain, server3, server1);
    await waitForCounter(domain, server3, server1, target, 300_000, (value) => progress.push(value));
    const catchUpSeconds = (now() - catchUpStart) / 1000;
    const afterAnswerSeconds = (now() - answeredAt) / 1000;
    const catchUpRate = (target - heldOnAnswer) / afterAnswerSeconds;
    const startSeconds = (answeredAt - catchUpStart) / 1000;
    const partial = progress.filter((value) => value > beforeGap && value < target).length;

    const loadedMb = domain.serverNames.map((server) => residentMegabytes(domain.pidOf(server)));
    const held = target;

    const first = await counterOn(domain, server1, server1);
    const start = now();
    const perSecond: number[] = [];
    let last = first;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const counters = await Promise.all([server2, server3].map((server) => counterOn(domain, server, server1).catch(() => undefined)));
        if (counters.some((counter) => counter === undefined)) continue;
        const applied = Math.min(...(counters as number[]));
        perSecond.push(applied - last);
        last = applied;
      }
    })();
    while (now() - start < options.seconds * 1000) {
      const reply = await domain.client.runCommand(server1, 'sim write 20000 1000', 120_000);
      if (!reply.ok) throw new Error(`sim write failed: ${reply.lines.join(' ')}`);
    }
    const written = await counterOn(domain, server1, server1);
    await Promise.all([server2, server3].map((server) => waitForCounter(domain, server, server1, written, 120_000)));
    const elapsed = (now() - start) / 1000;
    sampling = false;
    await sampler;
    const throughput = (written - first) / elapsed;
    const sustained = perSecond.slice(1, -1);

    const results: Result[] = [
      {
        suite: 'throughput, 3 servers',
        metric: `events/s written on server1 and stored on both others (${Math.round(elapsed)} s, ${(written - first).toLocaleString('en-US')} events)`,
        value: throughput,
        unit: 'events/s',
        floor: { value: floors.appendBatchPerSecond, what: 'batched durable append' },
        target: { value: 20_000, better: 'higher' },
      },
      {
        suite: 'throughput, 3 servers',
        metric: 'slowest one-second rate on the slower receiver',
        value: sustained.length === 0 ? Number.NaN : Math.min(...sustained),
        unit: 'events/s',
        floor: { value: floors.appendBatchPerSecond, what: 'batched durable append' },
      },
      {
        suite: 'catch-up',
        metric: `server3 stored ${missed.toLocaleString('en-US')} missed events, from when it answers again`,
        value: catchUpRate,
        unit: 'events/s',
        floor: { value: floors.appendBatchPerSecond, what: 'batched durable append' },
        target: { value: 50_000, better: 'higher' },
        note: `the process took ${startSeconds.toFixed(1)} s to start and answer, and had all ${missed.toLocaleString('en-US')} events ${catchUpSeconds.toFixed(1)} s after it was started (${Math.round(missed / catchUpSeconds).toLocaleString('en-US')} events/s counting the start); health, and so domsim status, reported ${partial} counters in between while it caught up`,
      },
      ...domain.serverNames.map((server, index): Result => ({ suite: 'memory', metric: `RSS of ${server.replace(/^CN=|\/O=.*/g, '')} idle`, value: idleMb[index], unit: 'MB', target: { value: 100, better: 'lower' } })),
      ...domain.serverNames.map((server, index): Result => ({
        suite: 'memory',
        metric: `RSS of ${server.replace(/^CN=|\/O=.*/g, '')} holding ${held.toLocaleString('en-US')} events`,
        value: loadedMb[index],
        unit: 'MB',
        target: { value: 100, better: 'lower' },
      })),
    ];
    return { results, raw: { perSecond, progress, idleMb, loadedMb, throughput, catchUpRate } };
  } finally {
    await domain.stop();
  }
}
