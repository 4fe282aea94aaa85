import { basename, join } from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { parseVaultKeyFile, TotpError, type VaultKey, vaultKeyFile } from '@domsim/mfa';
import { displayName } from '@domsim/directory';

import { readRegularFile } from '../config/regular-file';
import type { ServerRuntime } from '../config/server-runtime';
import { SERVER_RUNTIME } from '../tokens';

/** A vault key file holds a key and a PEM key pair, a few KiB; anything larger is not one. */
const MAX_VAULT_KEY_BYTES = 64 * 1024;

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
      key = parseVaultKeyFile(readRegularFile(join(this.runtime.dataDir, file), MAX_VAULT_KEY_BYTES, { noFollow: false }).toString('utf8'));
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
