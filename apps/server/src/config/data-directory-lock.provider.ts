import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';

import type { DataDirectoryLock } from './data-directory-lock';

export const DATA_DIRECTORY_LOCK = Symbol('DATA_DIRECTORY_LOCK');

/**
 * Releases the data directory lock when the application shuts down. It sits in the root
 * module, whose shutdown hooks Nest runs after those of imported modules, so the event log
 * is closed by then.
 */
@Injectable()
export class DataDirectoryLockRelease implements OnApplicationShutdown {
  constructor(@Inject(DATA_DIRECTORY_LOCK) private readonly lock: DataDirectoryLock) {}

  onApplicationShutdown(): void {
    this.lock.release();
  }
}
