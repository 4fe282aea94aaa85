import type { AppliedNotice } from '@domsim/client';
import { CertificateTypes } from '@domsim/directory';
import { trustCertificateUnid } from '@domsim/id-vault';
import { nameKey } from '@domsim/names';
import { type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import type { Result } from '../report';
import { now, type Summary, summarize } from '../stats';
import type { Floors } from './floors';

export interface PropagationOptions {
  readonly servers: number;
  readonly repetitions: number;
  /** Latency on every link, e.g. 100. */
  readonly linkLatencyMs?: number;
}

export interface PropagationSample {
  /** Per server other than server1: ms from server1 storing the certificate to this server storing it. */
  readonly perServer: Summary;
  /** Per repetition: ms until the last server stored it. */
  readonly toAll: Summary;
  readonly raw: number[];
}

/**
 * Issues `repetitions` MFA trust certificates at server1 of a clustered domain and measures,
 * for each, when every other server stored it. Times are taken in this process when each
 * server's applied notice arrives, so every figure comes from one clock; the certificate's
 * save on server1 is the start.
 */
export async function measurePropagation(options: PropagationOptions): Promise<PropagationSample> {
  const builder = new TestDomainBuilder()
    .withServers(options.servers)
    .withVault({ servers: [1, 2] })
    .withNatsMode('binary')
    .withEnvironment({ DOMSIM_HEARTBEAT_MS: '5000' })
    .withStartTimeout(120_000)
    .withLogger(() => undefined);
  if (options.linkLatencyMs !== undefined) builder.withLinkFault('*', '*', `latency ${options.linkLatencyMs}ms`);
  const domain = await builder.start();
  try {
    return await run(domain, options);
  } finally {
    await domain.stop();
  }
}

async function run(domain: StartedTestDomain, options: PropagationOptions): Promise<PropagationSample> {
  const [server1] = domain.serverNames;
  const arrivals = new Map<string, Map<string, number>>();
  let wake: (() => void) | undefined;
  const stop = domain.client.onApplied((notice: AppliedNotice) => {
    const at = now();
    for (const revision of notice.revisions) {
      const byServer = arrivals.get(revision.unid);
      if (byServer === undefined || byServer.has(nameKey(notice.server))) continue;
      byServer.set(nameKey(notice.server), at);
      wake?.();
    }
  });

  const perServer: number[] = [];
  const toAll: number[] = [];
  try {
    for (let repetition = 0; repetition < options.repetitions; repetition += 1) {
      const pattern = `*/OU=b${repetition}/O=mfatest1`;
      const unid = trustCertificateUnid(CertificateTypes.Mfa, 'O=mfatest1', 'O=renovationsvault', pattern);
      const byServer = new Map<string, number>();
      arrivals.set(unid, byServer);

      const reply = await domain.command(server1, `mfamgmt create trustcert "${pattern}" cert.id mfatest1-demo`);
      if (!reply.ok) throw new Error(`trustcert ${pattern} failed: ${reply.lines.join(' ')}`);
      const deadline = now() + 30_000;
      while (byServer.size < domain.serverNames.length && now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      const origin = byServer.get(nameKey(server1));
      if (origin === undefined || byServer.size < domain.serverNames.length) throw new Error(`certificate ${pattern} reached ${byServer.size} of ${domain.serverNames.length} servers`);
      const lags = [...byServer.entries()].filter(([server]) => server !== nameKey(server1)).map(([, at]) => at - origin);
      perServer.push(...lags);
      toAll.push(Math.max(...lags));
      arrivals.delete(unid);
    }
  } finally {
    stop();
  }
  return { perServer: summarize(perServer), toAll: summarize(toAll), raw: perServer };
}

/** The results of one propagation run, with the floor of two durable appends and one NATS hop. */
export function propagationResults(label: string, sample: PropagationSample, floors: Floors, targets: { p50?: number; p99?: number; max?: number; median?: number; maxFloorRatio?: number }): Result[] {
  const floor = { value: 2 * floors.appendMs.p50 + floors.publishOneWayMs.p50, what: '2 appends + 1 NATS hop, p50' };
  const results: Result[] = [
    { suite: `propagation, ${label}`, metric: `lag per server p50 (${sample.perServer.count} samples)`, value: sample.perServer.p50, unit: 'ms', floor, target: targets.p50 === undefined ? undefined : { value: targets.p50, better: 'lower', maxFloorRatio: targets.maxFloorRatio } },
    { suite: `propagation, ${label}`, metric: 'lag per server p99', value: sample.perServer.p99, unit: 'ms', floor, target: targets.p99 === undefined ? undefined : { value: targets.p99, better: 'lower' } },
    { suite: `propagation, ${label}`, metric: 'lag per server max', value: sample.perServer.max, unit: 'ms', floor, target: targets.max === undefined ? undefined : { value: targets.max, better: 'lower' } },
    { suite: `propagation, ${label}`, metric: `time until every server has it, median (${sample.toAll.count} runs)`, value: sample.toAll.p50, unit: 'ms', floor, target: targets.median === undefined ? undefined : { value: targets.median, better: 'lower' } },
    { suite: `propagation, ${label}`, metric: 'time until every server has it, p99', value: sample.toAll.p99, unit: 'ms', floor },
  ];
  return results;
}
