import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MfaTrustError } from '@domsim/id-vault';

import type { ServerRuntime } from '../config/server-runtime';
import { IdFileRepository } from './id-file.repository';

describe('IdFileRepository', () => {
  let dataDir: string;
  let repository: IdFileRepository;

  beforeEach(() => {
    dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'domsim-id-file-')));
    repository = new IdFileRepository({ dataDir } as ServerRuntime);
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  function readError(name: string): MfaTrustError {
    try {
      repository.read(name);
    } catch (error) {
      if (error instanceof MfaTrustError) return error;
      throw error;
    }
    throw new Error(`read(${name}) returned instead of throwing`);
  }

  it('reads a regular file', () => {
    writeFileSync(join(dataDir, 'cert.id'), 'certifier bytes');

    expect(repository.read('cert.id').toString()).toBe('certifier bytes');
  });

  it('rejects a FIFO without blocking', () => {
    execFileSync('mkfifo', [join(dataDir, 'pipe.id')]);
    const started = Date.now();

    const error = readError('pipe.id');

    expect(error.code).toBe('NOT_AN_ID_FILE');
    expect(error.message).toBe('pipe.id is not a file; give the name of a certifier ID file');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it.each(['', '  '])('rejects the empty name %j', (name) => {
    const error = readError(name);

    expect(error.code).toBe('ID_FILE_NOT_FOUND');
    expect(error.message).toBe(
      `The ID file name is empty; give the name of the certifier ID file relative to the data directory ${dataDir}, e.g. mfamgmt create trustcert "*/O=mfatest1" cert.id <certifier password>`,
    );
  });

  it('rejects a directory', () => {
    expect(readError('.').code).toBe('NOT_AN_ID_FILE');
  });

  it('rejects a file over the size limit', () => {
    writeFileSync(join(dataDir, 'big.id'), Buffer.alloc(1024 * 1024 + 1));

    const error = readError('big.id');

    expect(error.code).toBe('NOT_AN_ID_FILE');
    expect(error.message).toBe('File big.id is 1048577 bytes, too large for an ID file; check the file name');
  });

  it('rejects a symlink leaving the data directory', () => {
    symlinkSync('/etc/hostname', join(dataDir, 'link.id'));

    expect(readError('link.id').code).toBe('ID_FILE_OUTSIDE_DATA_DIRECTORY');
  });
});
