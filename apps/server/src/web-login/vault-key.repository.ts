import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { parseVaultKeyFile, TotpError, type VaultKey, vaultKeyFile } from '@domsim/mfa';
import { displayName } from '@domsim/directory';

import type { ServerRuntime } from '../config/server-runtime';
import { SERVER_RUNTIME } from '../tokens';

/** Reads vault key files from the data directory, once per vault. */
@Injectable()
export class VaultKeyRepository {
  private readonly keys = new Map<string, VaultKey>();

  constructor(@Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime) {}

  /**
   * Returns the key of the vault whose database is at `databasePath`, e.g. `IBM_ID_VAULT\renovationsvault.nsf`.
   *
   * @throws TotpError VAULT_KEY_MISSING when the file is missing or unreadable.
   */
  keyFor(vaultName: string, databasePath: string): VaultKey {
    const file = vaultKeyFile(basename(databasePath.replace(/\\/g, '/'), '.nsf'));
    const cached = this.keys.get(file);
    if (cached !== undefined) return cached;

    let key: VaultKey;
    try {
      key = parseVaultKeyFile(readFileSync(join(this.runtime.dataDir, file), 'utf8'));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be read (${(error as Error).message.split('\n')[0]})`;
      throw new TotpError(
        'VAULT_KEY_MISSING',
        `The key file ${file} of ID vault ${displayName(vaultName)} ${reason} in ${this.runtime.dataDir}; copy it from another server of the vault`,
      );
    }
    this.keys.set(file, key);
    return key;
  }
}
