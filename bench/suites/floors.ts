import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { connect, headers } from 'nats';

import { type Revision } from '@domsim/directory';
import { SqliteEventLog } from '@domsim/event-log';
import { startNatsServer } from '@domsim/launcher';

import type { Result } from '../report';
import { now, type Summary, summarize } from '../stats';

/** What domsim's own figures are compared with. */
export interface Floors {
  readonly requestReplyMs: Summary;
  readonly publishOneWayMs: Summary;
  readonly publishRevisionsPerSecond: number;
  readonly appendMs: Summary;
  /** One durable append while another thread appends to a log of its own on the same disk. */
  readonly contendedAppendMs: Summary;
  readonly appendBatchPerSecond: number;
}

const ROUNDS = 2_000;

/** A revision as large as an MFA certificate's, the payload replication carries most. */
export function sampleRevision(counter: number): Revision {
  return {
    replicaId: '852564AC:044EBCCF',
    unid: counter.toString(16).toUpperCase().padStart(32, '0'),
    originator: 'CN=server1/O=renovations',
    counter,
    seq: 1,
    seqTime: Date.now(),
    parent: null,
    deleted: false,
    form: 'Certificate',
    items: {
      CertificateType: 'Multi-Factor Authentication Certificate',
      IssuedBy: 'O=mfatest1',
      IssuedTo: 'O=renovationsvault',
      AllowedPattern: '*/O=mfatest1',
      Issued: new Date().toISOString(),
      Expiration: new Date().toISOString(),
      SignatureAlgorithm: 'RSA-SHA256',
      Signature: 'A'.repeat(344),
    },
  };
}

/**
 * Measures the floors: NATS request/reply and one-way publish on loopback with a
 * replication-sized payload, and a durable append to the same SQLite log the servers use.
 */
export async function measureFloors(): Promise<{ floors: Floors; results: Result[] }> {
  const nats = await startNatsServer();
  const directory = mkdtempSync(join(tmpdir(), 'domsim-bench-floor-'));
  try {
    const payload = new TextEncoder().encode(JSON.stringify({ v: 1, from: 'CN=server1/O=renovations', replicaId: '852564AC:044EBCCF', revisions: [sampleRevision(1)] }));
    const [sender, receiver] = await Promise.all([connect({ servers: nats.url }), connect({ servers: nats.url })]);

    receiver.subscribe('bench.echo', { callback: (_error, msg) => msg.respond(msg.data) });
    const sentAt = new Map<number, number>();
    const oneWay: number[] = [];
    let received = 0;
    receiver.subscribe('bench.oneway', {
      callback: (_error, msg) => {
        received += 1;
        const sequence = Number(msg.headers?.get('n') ?? -1);
        const start = sentAt.get(sequence);
        if (start !== undefined) oneWay.push(now() - start);
      },
    });
    await receiver.flush();

    const requestReply: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const start = now();
      await sender.request('bench.echo', payload, { timeout: 2_000 });
      requestReply.push(now() - start);
    }

    for (let round = 0; round < ROUNDS; round += 1) {
      const header = headers();
      header.set('n', String(round));
      sentAt.set(round, now());
      sender.publish('bench.oneway', payload, { headers: header });
      await sender.flush();
    }

    const batch = new TextEncoder().encode(JSON.stringify({ v: 1, revisions: Array.from({ length: 500 }, (_unused, index) => sampleRevision(index + 1)) }));
    const messages = 400;
    received = 0;
    const throughputStart = now();
    for (let index = 0; index < messages; index += 1) sender.publish('bench.oneway', batch);
    await sender.flush();
    while (received < messages) await new Promise((resolve) => setImmediate(resolve));
    const publishRevisionsPerSecond = (messages * 500) / ((now() - throughputStart) / 1000);
    await Promise.all([sender.close(), receiver.close()]);

    const log = SqliteEventLog.open<Revision>(join(directory, 'floor.sqlite'));
    const appends: number[] = [];
    for (let counter = 1; counter <= ROUNDS / 2; counter += 1) {
      const start = now();
      log.append([{ replicaId: '852564AC:044EBCCF', originator: 'CN=server1/O=renovations', counter, body: sampleRevision(counter) }]);
      appends.push(now() - start);
    }
    const batchStart = now();
    let counter = ROUNDS / 2;
    for (let round = 0; round < 100; round += 1) {
      log.append(Array.from({ length: 1_000 }, () => ({ replicaId: '852564AC:044EBCCF', originator: 'CN=server1/O=renovations', counter: ++counter, body: sampleRevision(counter) })));
    }
    const appendBatchPerSecond = 100_000 / ((now() - batchStart) / 1000);
    const contendedAppends = await measureContendedAppends(log, join(directory, 'neighbour.sqlite'), counter);
    log.close();

    const floors: Floors = {
      requestReplyMs: summarize(requestReply),
      publishOneWayMs: summarize(oneWay),
      publishRevisionsPerSecond,
      appendMs: summarize(appends),
      contendedAppendMs: summarize(contendedAppends),
      appendBatchPerSecond,
    };
    const results: Result[] = [
      { suite: 'floor', metric: `NATS request/reply p50 (${payload.length} B)`, value: floors.requestReplyMs.p50, unit: 'ms' },
      { suite: 'floor', metric: 'NATS request/reply p99', value: floors.requestReplyMs.p99, unit: 'ms' },
      { suite: 'floor', metric: `NATS one-way publish p50 (${payload.length} B)`, value: floors.publishOneWayMs.p50, unit: 'ms' },
      { suite: 'floor', metric: 'NATS one-way publish p99', value: floors.publishOneWayMs.p99, unit: 'ms' },
      { suite: 'floor', metric: 'NATS publish throughput, 500 revisions a message', value: publishRevisionsPerSecond, unit: 'revisions/s' },
      { suite: 'floor', metric: 'durable append of one revision p50', value: floors.appendMs.p50, unit: 'ms' },
      { suite: 'floor', metric: 'durable append of one revision p99', value: floors.appendMs.p99, unit: 'ms' },
      { suite: 'floor', metric: 'durable append, 1,000 revisions a transaction', value: appendBatchPerSecond, unit: 'revisions/s' },
      { suite: 'floor', metric: 'durable append of one revision p50, while another log on the same disk appends', value: floors.contendedAppendMs.p50, unit: 'ms' },
    ];
    return { floors, results };
  } finally {
    await nats.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Code of the neighbour thread: it appends to its own log, one revision a transaction, until the main thread sets the stop flag. */
const NEIGHBOUR = `
const { parentPort, workerData } = require('node:worker_threads');
const { SqliteEventLog } = require(workerData.eventLogModule);
const log = SqliteEventLog.open(workerData.path);
const stop = new Int32Array(workerData.stop);
const body = workerData.body;
let counter = 0;
parentPort.postMessage('appending');
while (Atomics.load(stop, 0) === 0) {
  counter += 1;
  log.append([{ replicaId: body.replicaId, originator: 'CN=server2/O=renovations', counter, body: { ...body, counter } }]);
}
log.close();
`;

/**
 * Times single appends to `log` while a worker thread appends to another log in the same
 * directory. Servers of one domain on one machine share a disk, and two receivers store each
 * pushed revision at the same moment, so this floor shows whether their fsyncs slow each other.
 */
async function measureContendedAppends(log: SqliteEventLog<Revision>, neighbourPath: string, lastCounter: number): Promise<number[]> {
  const stop = new SharedArrayBuffer(4);
  const worker = new Worker(NEIGHBOUR, {
    eval: true,
    workerData: { eventLogModule: join(__dirname, '..', '..', 'libs', 'event-log', 'src', 'index.js'), path: neighbourPath, stop, body: sampleRevision(1) },
  });
  const exited = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });

  const times: number[] = [];
  let counter = lastCounter;
  for (let round = 0; round < ROUNDS / 4; round += 1) {
    counter += 1;
    const start = now();
    log.append([{ replicaId: '852564AC:044EBCCF', originator: 'CN=server1/O=renovations', counter, body: sampleRevision(counter) }]);
    times.push(now() - start);
  }
  Atomics.store(new Int32Array(stop), 0, 1);
  await exited;
  return times;
}
