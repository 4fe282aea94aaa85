import { Forms, type Note } from '@domsim/directory';

import { formatInterval, isInWindow, parseInterval, parseReplicationType, parseWindow, readConnection } from './connections';

describe('parseInterval', () => {
  it.each([
    ['60s', 60],
    ['5m', 300],
    ['1h', 3600],
    ['2d', 172_800],
    ['90', 90],
    [' 30 M ', 1800],
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseInterval(text)).toBe(seconds);
  });

  it.each(['0s', '-5m', 'soon', '8d', '', '1.5.2m'])('rejects %j', (text) => {
    expect(() => parseInterval(text)).toThrow(expect.objectContaining({ code: 'INVALID_CONNECTION', value: text }));
  });

  it.each([60, 300, 3600, 45, 86_400])('formats %d seconds so they read back', (seconds) => {
    expect(parseInterval(formatInterval(seconds))).toBe(seconds);
  });
});

describe('parseWindow', () => {
  it('reads an all-day window', () => {
    expect(parseWindow('00:00-24:00')).toEqual({ start: 0, end: 1440 });
  });

  it.each(['25:00-26:00', '08:00', '10:00-10:00', '08:60-09:00', 'morning'])('rejects %j', (text) => {
    expect(() => parseWindow(text)).toThrow(expect.objectContaining({ code: 'INVALID_CONNECTION' }));
  });

  it.each([
    ['08:00-22:00', 7, 59, false],
    ['08:00-22:00', 8, 0, true],
    ['08:00-22:00', 21, 59, true],
    ['08:00-22:00', 22, 0, false],
    ['22:00-06:00', 23, 30, true],
    ['22:00-06:00', 5, 59, true],
    ['22:00-06:00', 12, 0, false],
  ])('window %s at %d:%d is open: %s', (text, hour, minute, open) => {
    const { start, end } = parseWindow(text);

    expect(isInWindow({ windowStart: start, windowEnd: end }, new Date(2026, 11, 4, hour, minute))).toBe(open);
  });
});

describe('parseReplicationType', () => {
  it.each([
    ['pull-push', 'pull-push'],
    ['Pull Push', 'pull-push'],
    ['PULL_ONLY', 'pull-only'],
  ])('reads %j', (text, type) => {
    expect(parseReplicationType(text)).toBe(type);
  });

  it('names the accepted types', () => {
    expect(() => parseReplicationType('sideways')).toThrow('invalid replication type "sideways": use one of pull-push, pull-pull, push-only, pull-only');
  });
});

describe('readConnection', () => {
  const note = (items: Record<string, string | string[]>): Note => ({ unid: 'A'.repeat(32), form: Forms.Connection, items, seq: 1, seqTime: 1, revision: { originator: 'x', counter: 1 } });

  it('fills in Domino defaults', () => {
    const schedule = readConnection(note({ Source: 'server3/renovations', Destination: 'server1/renovations' }));

    expect(schedule).toMatchObject({ type: 'pull-push', intervalSeconds: 3600, windowStart: 0, windowEnd: 1440, enabled: true, databases: [] });
  });

  it('rejects a connection to the same server', () => {
    expect(() => readConnection(note({ Source: 'server1/renovations', Destination: 'CN=server1/O=renovations' }))).toThrow('a server cannot replicate with itself');
  });

  it('rejects a missing destination', () => {
    expect(() => readConnection(note({ Source: 'server1/renovations' }))).toThrow(expect.objectContaining({ field: 'destination server' }));
  });
});
