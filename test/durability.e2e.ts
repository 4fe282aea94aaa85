import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import { textOf } from './support/console-text';

const SERVER2 = 'CN=server2/O=renovations';
const ROUNDS = Number(process.env.DOMSIM_KILL_ROUNDS ?? 5);

jest.setTimeout(ROUNDS * 30_000 + 30_000);

describe('durability under kill -9', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().start();
  });

  afterAll(async () => {
    await domain?.stop();
  });

  /** Sends small workloads until one fails, and returns the highest counter an acknowledgement named. */
  async function writeUntilKilled(round: number, writer: number, acknowledged: { counter: number }): Promise<void> {
    for (let batch = 0; ; batch += 1) {
      try {
        const reply = await domain.client.runCommand(SERVER2, `sim workload 5 ${round * 100_000 + writer * 10_000 + batch}`, 2_000);
        if (!reply.ok) return;
        const counter = Number(/last counter (\d+)/.exec(textOf(reply.lines)[0])?.[1]);
        acknowledged.counter = Math.max(acknowledged.counter, counter);
      } catch {
        return;
      }
    }
  }

  it(`keeps every acknowledged save through ${ROUNDS} kills during writes`, async () => {
    const dataDir = domain.dataDirOf(SERVER2);

    for (let round = 1; round <= ROUNDS; round += 1) {
      const acknowledged = { counter: 0 };
      const writers = [0, 1].map((writer) => writeUntilKilled(round, writer, acknowledged));
      const before = acknowledged.counter;
      await eventually(() => expect(acknowledged.counter).toBeGreaterThan(before + 50), { timeoutMs: 20_000, description: 'writes to be acknowledged' });

      await domain.stopServer(SERVER2, 'SIGKILL');
      await Promise.all(writers);
      const tornRound = round % 2 === 1;
      const wal = join(dataDir, 'eventlog.sqlite-wal');
      if (tornRound) {
        expect(existsSync(wal)).toBe(true);
        appendFileSync(wal, randomBytes(100 + round));
      }
      await domain.startServer(SERVER2);

      const health = await domain.health(SERVER2);
      const held = health.replicas.find((replica) => replica.path === 'names.nsf')?.vector[SERVER2] ?? 0;
      expect({ round, held: held >= acknowledged.counter }).toEqual({ round, held: true });
      const check = await domain.command(SERVER2, 'sim check log');
      expect(check.ok).toBe(true);
      expect(textOf(check.lines)[0]).toMatch(/is sound: \d+ records, integrity check ok, counters unbroken/);
      if (tornRound) {
        const consoleLog = readFileSync(join(dataDir, 'IBM_TECHNICAL_SUPPORT', 'console.log'), 'utf8');
        expect(consoleLog).toContain('Event log recovered:');
      }
    }

    await eventually(async () => {
      const replies = await Promise.all(domain.serverNames.map((server) => domain.health(server)));
      expect(new Set(replies.map((reply) => reply.replicas[0].digest)).size).toBe(1);
    });
  });
});
