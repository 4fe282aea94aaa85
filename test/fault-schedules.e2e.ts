import { describeConvergence, waitForConvergence } from '@domsim/client';
import { formatFaultSchedule, generateFaultSchedule } from '@domsim/replication';
import { runFaultSchedule, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

/** Schedules per run: 20 in CI, more with DOMSIM_FAULT_SCHEDULES for a longer soak. */
const SCHEDULES = Number(process.env.DOMSIM_FAULT_SCHEDULES ?? 20);
const FIRST_SEED = Number(process.env.DOMSIM_FAULT_SEED ?? 7_000);
const CONVERGENCE_TIMEOUT_MS = 30_000;

jest.setTimeout(SCHEDULES * 45_000 + 60_000);

describe('seeded fault schedules', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().withEnvironment({ DOMSIM_HEARTBEAT_MS: '200', DOMSIM_FAULT_SEED: String(FIRST_SEED) }).start();
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it(`converges after each of ${SCHEDULES} schedules from seed ${FIRST_SEED}`, async () => {
    const failures: string[] = [];
    let acknowledged = 0;
    const eventsHeld = async () => {
      const health = await domain.health(domain.serverNames[0]);
      const names = health.replicas.find((replica) => replica.path === 'names.nsf');
      return Object.values(names?.vector ?? {}).reduce((total, counter) => total + counter, 0);
    };
    const before = await eventsHeld();

    for (let index = 0; index < SCHEDULES; index += 1) {
      const seed = FIRST_SEED + index;
      const schedule = generateFaultSchedule(seed, { servers: domain.serverNames, natsRestarts: index % 5 === 4 });
      const run = await runFaultSchedule(domain, schedule);
      await domain.command(domain.serverNames[0], 'sim heal');

      const report = await waitForConvergence(domain.client, domain.serverNames, CONVERGENCE_TIMEOUT_MS);
      const vectors = new Map<string, Set<string>>();
      for (const health of await Promise.all(domain.serverNames.map((server) => domain.health(server)))) {
        for (const replica of health.replicas) vectors.set(replica.path, (vectors.get(replica.path) ?? new Set()).add(JSON.stringify(replica.vector)));
      }
      const differing = [...vectors].filter(([, set]) => set.size > 1).map(([path, set]) => `${path}: ${[...set].join(' | ')}`);
      acknowledged += run.acknowledgedSaves;
      if (!report.converged || differing.length > 0) {
        failures.push([...formatFaultSchedule(schedule), ...describeConvergence(report), ...run.failures, ...differing].join('\n'));
        break;
      }
    }

    expect(failures).toEqual([]);
    // Every acknowledged save is an event every server holds, fault or crash notwithstanding.
    expect(acknowledged).toBeGreaterThan(0);
    expect((await eventsHeld()) - before).toBeGreaterThanOrEqual(acknowledged);
  });
});
