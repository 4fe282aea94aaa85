import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CorruptLogError, type LogRecord, NonContiguousAppendError, SqliteEventLog, START_OF_LOG, type StoredRecord } from '@domsim/event-log';

interface Body {
  readonly text: string;
}

const NAMES = '852564AC:044EBCCF';
const VAULT = '0A1B2C3D:4E5F6071';

const record = (replicaId: string, originator: string, counter: number): LogRecord<Body> => ({
  replicaId,
  originator,
  counter,
  body: { text: `${originator} ${counter}` },
});

const origins = (records: readonly StoredRecord<Body>[]): string[] => records.map((stored) => `${stored.originator}#${stored.counter}`);

describe('SqliteEventLog', () => {
  let directory: string;
  let file: string;
  const open: Array<SqliteEventLog<Body>> = [];

  function openLog(): SqliteEventLog<Body> {
    const log = SqliteEventLog.open<Body>(file);
    open.push(log);
    return log;
  }

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'domsim-event-log-'));
    file = join(directory, 'events.sqlite');
  });

  afterEach(() => {
    for (const log of open.splice(0)) log.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('appends records at increasing positions', () => {
    const log = openLog();

    const first = log.append([record(NAMES, 'server1', 1), record(NAMES, 'server2', 1)]);
    const second = log.append([record(NAMES, 'server1', 2)]);

    expect([...first, ...second].map((stored) => stored.position)).toEqual([1, 2, 3]);
    expect(second[0]).toMatchObject({ replicaId: NAMES, originator: 'server1', counter: 2, body: { text: 'server1 2' } });
    expect(second[0].appendedAt).toBeGreaterThan(0);
    expect(log.size()).toBe(3);
  });

  it('returns nothing for an empty append', () => {
    const log = openLog();

    expect(log.append([])).toEqual([]);
    expect(log.size()).toBe(0);
  });

  it('reads one originator after a counter', () => {
    const log = openLog();
    log.append([record(NAMES, 'server1', 1), record(NAMES, 'server2', 1), record(NAMES, 'server1', 2), record(VAULT, 'server1', 1), record(NAMES, 'server1', 3)]);

    const records = log.readOriginator(NAMES, 'server1', 1, 10);
    const limited = log.readOriginator(NAMES, 'server1', 0, 2);

    expect(origins(records)).toEqual(['server1#2', 'server1#3']);
    expect(records.every((stored) => stored.replicaId === NAMES)).toBe(true);
    expect(origins(limited)).toEqual(['server1#1', 'server1#2']);
    expect(log.readOriginator(NAMES, 'server3', 0, 10)).toEqual([]);
  });

  it('reads from a position in log order', () => {
    const log = openLog();
    log.append([record(NAMES, 'server2', 1), record(NAMES, 'server1', 1), record(VAULT, 'server1', 1), record(NAMES, 'server2', 2)]);

    const firstPage = log.readFrom(START_OF_LOG, 2);
    const secondPage = log.readFrom(firstPage[firstPage.length - 1].position, 10);

    expect(origins(firstPage)).toEqual(['server2#1', 'server1#1']);
    expect(origins(secondPage)).toEqual(['server1#1', 'server2#2']);
    expect(secondPage[0].replicaId).toBe(VAULT);
    expect(log.readFrom(4, 10)).toEqual([]);
  });

  it('keeps a version vector per replica', () => {
    const log = openLog();

    log.append([record(NAMES, 'server1', 1), record(NAMES, 'server1', 2), record(NAMES, 'server2', 1), record(VAULT, 'server2', 1)]);

    expect(log.versionVector(NAMES)).toEqual({ server1: 2, server2: 1 });
    expect(log.versionVector(VAULT)).toEqual({ server2: 1 });
    expect(log.versionVector('FFFFFFFF:FFFFFFFF')).toEqual({});
    expect(log.counterOf(NAMES, 'server3')).toBe(0);
  });

  it.each<[string, Array<LogRecord<Body>>, number, number]>([
    ['a skipped counter', [record(NAMES, 'server1', 4)], 3, 4],
    ['a repeated counter', [record(NAMES, 'server1', 2)], 3, 2],
    ['a repeat inside the batch', [record(NAMES, 'server1', 3), record(NAMES, 'server1', 3)], 4, 3],
    ['a bad record after a good one', [record(NAMES, 'server2', 1), record(NAMES, 'server1', 5)], 3, 5],
    ['a fractional counter', [record(NAMES, 'server1', 2.5)], 3, 2.5],
  ])('rejects %s and leaves the log unchanged', (_label, batch, expected, actual) => {
    const log = openLog();
    log.append([record(NAMES, 'server1', 1), record(NAMES, 'server1', 2)]);
    let caught: unknown;

    try {
      log.append(batch);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(NonContiguousAppendError);
    expect(caught).toMatchObject({ code: 'NON_CONTIGUOUS_APPEND', expected, actual });
    expect(log.size()).toBe(2);
    expect(log.versionVector(NAMES)).toEqual({ server1: 2 });
  });

  it('names the replica and originator in the error', () => {
    const log = openLog();

    expect(() => log.append([record(NAMES, 'server1', 2)])).toThrow(`append for replica ${NAMES} from server1 expected counter 1, got 2`);
  });

  it('keeps records after reopening', () => {
    const log = openLog();
    log.append([record(NAMES, 'server1', 1), record(NAMES, 'server2', 1), record(VAULT, 'server1', 1)]);
    log.close();

    const reopened = openLog();

    expect(reopened.size()).toBe(3);
    expect(reopened.versionVector(NAMES)).toEqual({ server1: 1, server2: 1 });
    expect(reopened.append([record(NAMES, 'server1', 2)])[0].position).toBe(4);
    expect(() => reopened.append([record(NAMES, 'server2', 1)])).toThrow(NonContiguousAppendError);
  });

  it('visits records in log order', () => {
    const log = openLog();
    log.append([record(NAMES, 'server2', 1), record(VAULT, 'server1', 1)]);
    log.append([record(NAMES, 'server1', 1), record(NAMES, 'server2', 2)]);
    const visited: Array<StoredRecord<Body>> = [];

    log.forEach((stored) => visited.push(stored));

    expect(visited.map((stored) => stored.position)).toEqual([1, 2, 3, 4]);
    expect(origins(visited)).toEqual(['server2#1', 'server1#1', 'server1#1', 'server2#2']);
    expect(visited[0].body).toEqual({ text: 'server2 1' });
  });

  it('notifies subscribers until they unsubscribe', () => {
    const log = openLog();
    const notifications: number[][] = [];
    const unsubscribe = log.subscribe((records) => notifications.push(records.map((stored) => stored.position)));

    log.append([record(NAMES, 'server1', 1), record(NAMES, 'server1', 2)]);
    unsubscribe();
    log.append([record(NAMES, 'server1', 3)]);

    expect(notifications).toEqual([[1, 2]]);
  });

  const PAGE_SIZE = 4096;

  it.each<[string, (bytes: Buffer) => Buffer]>([
    ['a zeroed index page', (bytes) => bytes.fill(0, 2 * PAGE_SIZE, 3 * PAGE_SIZE)],
    ['zeroed pages after the first', (bytes) => bytes.fill(0, PAGE_SIZE)],
    ['a file that is not a database', () => Buffer.alloc(2 * PAGE_SIZE, 0x41)],
  ])('rejects %s as corrupt', (_label, damage) => {
    const log = openLog();
    log.append(Array.from({ length: 200 }, (_, index) => ({ ...record(NAMES, 'server1', index + 1), body: { text: 'x'.repeat(200) } })));
    log.close();
    writeFileSync(file, damage(readFileSync(file)));
    let caught: unknown;

    try {
      openLog();
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(CorruptLogError);
    expect((caught as CorruptLogError).message).toContain(`event log ${file} failed its integrity check`);
  });
});
