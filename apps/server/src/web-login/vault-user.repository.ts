import { Inject, Injectable } from '@nestjs/common';

import type { DirectoryStore, Note, ReplicaState } from '@domsim/directory';
import { findVaultUser, type TotpRecord, withTotpRecord } from '@domsim/mfa';

import { DIRECTORY_STORE } from '../directory/directory.tokens';

/** Reads and saves users' vault documents in this server's vault database replicas. */
@Injectable()
export class VaultUserRepository {
  constructor(@Inject(DIRECTORY_STORE) private readonly store: DirectoryStore) {}

  find(vault: ReplicaState, user: string): Note | undefined {
    return findVaultUser(vault, user);
  }

  /** Saves the TOTP items as an ordinary edit of the document, so it replicates to the other vault servers. */
  saveTotpRecord(vault: ReplicaState, note: Note, record: TotpRecord): void {
    this.store.save(vault.replicaId, [{ kind: 'update', unid: note.unid, items: withTotpRecord(note.items, record) }]);
  }
}
