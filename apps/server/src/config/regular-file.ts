import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** A named file that is not a regular file, or is larger than the caller accepts. */
export class NotARegularFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: 'not-a-file' | 'too-large',
    readonly size: number,
  ) {
    super(reason === 'not-a-file' ? `${path} is not a regular file` : `${path} is ${size} bytes, more than the limit`);
    this.name = 'NotARegularFileError';
  }
}

/**
 * Reads a small regular file without ever blocking on it. The open uses O_NONBLOCK, so a FIFO
 * or device returns at once. With `noFollow`, it also uses O_NOFOLLOW, so a symlink at the last
 * component fails with ELOOP, for callers that resolved symlinks themselves. The type and size
 * come from fstat on the open descriptor, so the file checked is the file read.
 *
 * @throws NotARegularFileError for anything but a regular file, or one over `maxBytes`.
 * @throws NodeJS.ErrnoException when the open fails (ENOENT, EACCES, ELOOP).
 */
export function readRegularFile(path: string, maxBytes: number, options: { noFollow: boolean }): Buffer {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0);
  const descriptor = openSync(path, flags);
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) throw new NotARegularFileError(path, 'not-a-file', stat.size);
    if (stat.size > maxBytes) throw new NotARegularFileError(path, 'too-large', stat.size);

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
