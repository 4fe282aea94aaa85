import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';

import type { DirectoryStore, Items } from '@domsim/directory';
import { INITIAL_DOCUMENTS_FILE, type InitialDocuments } from '@domsim/topology';

import type { ServerRuntime } from '../config/server-runtime';
import { SERVER_RUNTIME } from '../tokens';
import { DIRECTORY_STORE } from './directory.tokens';

/**
 * Writes the documents of databases this server creates (names.nsf on the administration
 * server, a vault database on the vault's first server) as its first events. A database
 * that already holds revisions from this server is never written again, so a restart or a
 * crash between the write and the removal of the file cannot duplicate the directory.
 */
@Injectable()
export class InitialDocumentsService implements OnModuleInit {
  private readonly logger = new Logger('Setup');

  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
  ) {}

  onModuleInit(): void {
    const file = join(this.runtime.dataDir, INITIAL_DOCUMENTS_FILE);
    if (!existsSync(file)) return;
    const initial = JSON.parse(readFileSync(file, 'utf8')) as InitialDocuments;

    for (const database of initial.databases) {
      const replica = this.store.replica(database.path);
      if (this.store.versionVector(replica.replicaId)[this.runtime.setup.server] !== undefined) continue;
      const changes = database.documents.map((document) => ({ kind: 'create' as const, unid: document.unid, form: document.form, items: document.items as Items }));
      this.store.save(replica.replicaId, changes);
      this.logger.log(`Created ${database.path} with ${changes.length} documents`);
    }
    rmSync(file);
  }
}
