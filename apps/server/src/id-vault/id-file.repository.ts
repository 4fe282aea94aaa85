import { realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { type IdFileSource, MfaTrustError } from '@domsim/id-vault';

import { NotARegularFileError, readRegularFile } from '../config/regular-file';
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

function readSmallFile(path: string, name: string): Buffer {
  try {
    // The path is already resolved by realpath, so O_NOFOLLOW only rejects a symlink swapped in since.
    return readRegularFile(path, MAX_ID_FILE_BYTES, { noFollow: true });
  } catch (error) {
    if (error instanceof NotARegularFileError) {
      if (error.reason === 'not-a-file') throw new MfaTrustError('NOT_AN_ID_FILE', `${name} is not a file; give the name of a certifier ID file`);
      throw new MfaTrustError('NOT_AN_ID_FILE', `File ${name} is ${error.size} bytes, too large for an ID file; check the file name`);
    }
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new MfaTrustError('NOT_AN_ID_FILE', `File ${name} could not be opened (${code}); give the name of a certifier ID file in the data directory`);
  }
}
