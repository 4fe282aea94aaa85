import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { acquireDomainLock, DomainLockedError, liveLockHolder } from './domain-lock';
import { processIdentity } from './processes';

describe('acquireDomainLock', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'domsim-lock-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('writes the holder and removes the file on release', () => {
    const lock = acquireDomainLock(root, 'up');

    const holder = JSON.parse(readFileSync(lock.file, 'utf8')) as { pid: number; command: string; identity: string };
    expect(holder.pid).toBe(process.pid);
    expect(holder.command).toBe('up');
    expect(holder.identity).toBe(processIdentity(process.pid));
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('rejects a second lock with the live holder', () => {
    const lock = acquireDomainLock(root, 'up');

    expect(() => acquireDomainLock(root, 'up')).toThrow(DomainLockedError);
    expect(() => acquireDomainLock(root, 'up')).toThrow(`domsim up (pid ${process.pid}`);
    lock.release();
  });

  it('takes over the lock of an ended process', () => {
    const ended = spawnSync('true').pid as number;
    writeFileSync(join(root, 'domsim.lock'), JSON.stringify({ pid: ended, command: 'up', since: 'earlier' }));

    const lock = acquireDomainLock(root, 'up');

    expect(liveLockHolder(root)?.pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid was reused', () => {
    writeFileSync(join(root, 'domsim.lock'), JSON.stringify({ pid: process.pid, identity: 'another-boot:1', command: 'up', since: 'before a reboot' }));

    const lock = acquireDomainLock(root, 'up');

    expect(liveLockHolder(root)?.since).not.toBe('before a reboot');
    lock.release();
  });

  it('takes over an unreadable lock file', () => {
    writeFileSync(join(root, 'domsim.lock'), '{"pid": ');

    const lock = acquireDomainLock(root, 'up');

    expect(liveLockHolder(root)?.pid).toBe(process.pid);
    lock.release();
  });

  it('leaves a lock it does not own on release', () => {
    const lock = acquireDomainLock(root, 'up');
    writeFileSync(lock.file, JSON.stringify({ pid: 1, command: 'up', since: 'later' }));

    lock.release();

    expect(existsSync(lock.file)).toBe(true);
  });
});
