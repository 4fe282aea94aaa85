import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { type IdFileSource, MfaTrustError } from '@domsim/id-vault';

import type { ServerRuntime } from '../config/server-runtime';
import { SERVER_RUNTIME } from '../tokens';

/** ID files are small; anything larger is not one. */
const MAX_ID_FILE_BYTES = 1024 * 1024;

/** Reads ID files from the server's data directory and nowhere else. */
@Injectable()
export class IdFileRepository implements IdFileSource {
  constructor(@Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime) {}

  read(name: string): Buffer {
    const dataDir = this.runtime.dataDir;
    if (name.trim() === '') {
      throw new MfaTrustError(
        'ID_FILE_NOT_FOUND',
        `The ID file name is empty; give the name of the certifier ID file relative to the data directory ${dataDir}, e.g. mfamgmt create trustcert "*/O=mfatest1" cert.id <certifier password>`,
      );
    }
    if (isAbsolute(name) || name.split(/[\\/]/).includes('..')) {
      throw new MfaTrustError('ID_FILE_OUTSIDE_DATA_DIRECTORY', `File ${name} is outside the data directory; copy it into ${dataDir} and give its name relative to it, e.g. cert.id`);
    }
    let path: string;
    try {
      path = realpathSync(join(dataDir, name));
    } catch {
      throw new MfaTrustError('ID_FILE_NOT_FOUND', `File ${name} was not found in the data directory ${dataDir}; copy the certifier ID file there first`);
    }
    const inside = relative(dataDir, path);
    if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
      throw new MfaTrustError('ID_FILE_OUTSIDE_DATA_DIRECTORY', `File ${name} links to ${path}, outside the data directory ${dataDir}; copy the ID file itself into the data directory`);
    }
    return readSmallFile(path, name);
  }
}

/**
 * Opens without blocking and checks the descriptor, not the path, so a FIFO or device
 * named as the ID file is rejected at once instead of stalling the event loop. The path
 * is already resolved by realpath, so O_NOFOLLOW only rejects a symlink swapped in since.
 */
function readSmallFile(path: string, name: string): Buffer {
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new MfaTrustError('NOT_AN_ID_FILE', `File ${name} could not be opened (${code}); give the name of a certifier ID file in the data directory`);
  }
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) throw new MfaTrustError('NOT_AN_ID_FILE', `${name} is not a file; give the name of a certifier ID file`);
    if (stat.size > MAX_ID_FILE_BYTES) {
      throw new MfaTrustError('NOT_AN_ID_FILE', `File ${name} is ${stat.size} bytes, too large for an ID file; check the file name`);
    }
    const buffer = Buffer.alloc(stat.size);
    let filled = 0;
    while (filled < stat.size) {
      const count = readSync(descriptor, buffer, filled, stat.size - filled, filled);
      if (count === 0) break;
      filled += count;
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(descriptor);
  }
}
