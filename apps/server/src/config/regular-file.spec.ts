import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { NotARegularFileError, readRegularFile } from './regular-file';

describe('readRegularFile', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'domsim-regular-file-'));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  function readError(path: string, maxBytes = 1024, noFollow = false): unknown {
    try {
      readRegularFile(path, maxBytes, { noFollow });
    } catch (error) {
      return error;
    }
    return undefined;
  }

  it('reads a regular file', () => {
    writeFileSync(join(directory, 'key'), 'key text');

    expect(readRegularFile(join(directory, 'key'), 1024, { noFollow: true }).toString()).toBe('key text');
  });

  it('rejects a FIFO at once', () => {
    execFileSync('mkfifo', [join(directory, 'pipe')]);

    const error = readError(join(directory, 'pipe'));

    expect(error).toBeInstanceOf(NotARegularFileError);
    expect((error as NotARegularFileError).reason).toBe('not-a-file');
  });

  it('rejects a file over the limit', () => {
    writeFileSync(join(directory, 'big'), Buffer.alloc(1025));

    const error = readError(join(directory, 'big'));

    expect(error).toBeInstanceOf(NotARegularFileError);
    expect((error as NotARegularFileError).reason).toBe('too-large');
    expect((error as NotARegularFileError).size).toBe(1025);
  });

  it('follows a symlink unless noFollow is set', () => {
    writeFileSync(join(directory, 'target'), 'linked');
    symlinkSync(join(directory, 'target'), join(directory, 'link'));

    expect(readRegularFile(join(directory, 'link'), 1024, { noFollow: false }).toString()).toBe('linked');
    expect((readError(join(directory, 'link'), 1024, true) as NodeJS.ErrnoException).code).toBe('ELOOP');
  });
});
