import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { DATA_DIRECTORY_LOCK_FILE, DataDirectoryLockedError, lockDataDirectory } from './data-directory-lock';

describe('lockDataDirectory', () => {
  let dataDir: string;
  let lockFile: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'domsim-lock-'));
    lockFile = join(dataDir, DATA_DIRECTORY_LOCK_FILE);
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const writeHolder = (pid: number, host = hostname(), token = 'other') => writeFileSync(lockFile, JSON.stringify({ pid, host, startedAt: '2026-12-04T00:00:00.000Z', token }));

  /** Returns the PID of a process that has exited, so no process has that PID for the moment. */
  const exitedPid = (): number => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
  };

  it('writes the PID and host', () => {
    const lock = lockDataDirectory(dataDir);

    const holder = JSON.parse(readFileSync(lockFile, 'utf8'));
    expect(holder.pid).toBe(process.pid);
    expect(holder.host).toBe(hostname());
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('rejects a second lock in the same process', () => {
    const lock = lockDataDirectory(dataDir);

    expect(() => lockDataDirectory(dataDir)).toThrow(`the data directory ${dataDir} is in use by process ${process.pid} on host ${hostname()}`);
    lock.release();
  });

  it('rejects a lock held by a running process', async () => {
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeHolder(holder.pid as number);

      const error = captureError(() => lockDataDirectory(dataDir));

      expect(error).toBeInstanceOf(DataDirectoryLockedError);
      expect(error.message).toBe(
        `cannot start: the data directory ${dataDir} is in use by process ${holder.pid} on host ${hostname()} (started 2026-12-04T00:00:00.000Z); stop that server first, or if that process is not a domsim server, delete ${lockFile}`,
      );
      expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(holder.pid);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('replaces the lock of an exited process', () => {
    writeHolder(exitedPid());

    const lock = lockDataDirectory(dataDir);

    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('replaces the lock of a zombie process', async () => {
    // The shell starts a short sleep, then becomes a long sleep that never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
      await waitFor(() => readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z '));
      writeHolder(zombie);

      const lock = lockDataDirectory(dataDir);

      expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(process.pid);
      lock.release();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('replaces a lock whose PID now belongs to another process', () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(lockFile, JSON.stringify({ pid: other.pid, host: hostname(), startedAt: '2026-12-04T00:00:00.000Z', token: 'old', processStart: '1' }));

      const lock = lockDataDirectory(dataDir);

      expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(process.pid);
      lock.release();
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('replaces a lock of its own PID it did not take', () => {
    writeHolder(process.pid, hostname(), 'earlier-process-with-this-pid');

    const lock = lockDataDirectory(dataDir);

    expect(JSON.parse(readFileSync(lockFile, 'utf8')).token).toBe(lock.holder.token);
    lock.release();
  });

  it('rejects a lock held on another host', () => {
    writeHolder(exitedPid(), 'elsewhere.example');

    expect(() => lockDataDirectory(dataDir)).toThrow(`is in use by process`);
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).host).toBe('elsewhere.example');
  });

  it('rejects a lock file that names no process', () => {
    writeFileSync(lockFile, '');

    expect(() => lockDataDirectory(dataDir)).toThrow(`which names no process; if no server uses this directory, delete that file and start again`);
  });

  it('leaves a lock it no longer holds on release', () => {
    const lock = lockDataDirectory(dataDir);
    writeHolder(process.pid, hostname(), 'taken-over');

    lock.release();

    expect(existsSync(lockFile)).toBe(true);
  });
});

function captureError(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but the call returned');
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`the condition did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
