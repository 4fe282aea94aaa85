import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { processIdentity } from './processes';
import { InvalidRunStateError, isServerRunning, readRunState, type RunState, writeRunState } from './run-state';

describe('readRunState', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'domsim-run-state-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('returns undefined without run.json', () => {
    expect(readRunState(root)).toBeUndefined();
  });

  it('reads what writeRunState wrote', () => {
    const state: RunState = { format: 1, startedAt: '2026-12-04T00:00:00.000Z', natsUrl: 'nats://127.0.0.1:4222', servers: [], detached: true };

    writeRunState(root, state);

    expect(readRunState(root)).toEqual(state);
  });

  it.each([
    ['{"format": 1,', 'it is not valid JSON'],
    ['[]', '(top level)'],
    ['{"format": 2}', 'format'],
  ])('rejects %s', (text, reason) => {
    writeFileSync(join(root, 'run.json'), text);

    expect(() => readRunState(root)).toThrow(InvalidRunStateError);
    expect(() => readRunState(root)).toThrow(`${join(root, 'run.json')} is not a valid record of a running domain`);
    expect(() => readRunState(root)).toThrow(reason);
  });
});

describe('isServerRunning', () => {
  const server = { name: 'CN=server1/O=renovations', pid: process.pid, dataDir: '' };

  it('accepts the recorded identity', () => {
    expect(isServerRunning({ ...server, identity: processIdentity(process.pid) })).toBe(true);
  });

  it('rejects a pid reused after a reboot', () => {
    expect(isServerRunning({ ...server, identity: 'another-boot:12345' })).toBe(false);
  });
});
