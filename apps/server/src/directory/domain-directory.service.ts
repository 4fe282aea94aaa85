import { Inject, Injectable } from '@nestjs/common';

import { type DirectoryStore, Forms, NAMES_NSF, type Note, type ReplicaState, sameDatabasePath, textItem } from '@domsim/directory';
import { findVaultDocument } from '@domsim/id-vault';
import { nameKey, tryNameKey } from '@domsim/names';
import type { ReplicationDirectory } from '@domsim/replication';

import type { ServerRuntime } from '../config/server-runtime';
import { SERVER_RUNTIME } from '../tokens';
import { DIRECTORY_STORE } from './directory.tokens';

/**
 * Answers questions about the domain from this server's own replicas: which servers
 * exist, which of them host a replica, and which replicas are vault databases.
 */
@Injectable()
export class DomainDirectoryService implements ReplicationDirectory {
  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
  ) {}

  get serverName(): string {
    return this.runtime.setup.server;
  }

  names(): ReplicaState {
    return this.store.replica(NAMES_NSF);
  }

  /** Vault database replicas on this server: every hosted replica other than names.nsf. */
  vaultReplicas(): ReplicaState[] {
    return this.store.replicas().filter((replica) => !sameDatabasePath(replica.info.path, NAMES_NSF));
  }

  /** Canonical names of every server with a Server document in this server's names.nsf. */
  serverNames(): string[] {
    return [...this.names().documentsOfForm(Forms.Server)].map((note) => textItem(note.items, 'ServerName')).filter((name) => name !== '');
  }

  isKnownServer(name: string): boolean {
    const key = nameKey(name);
    return this.serverNames().some((server) => nameKey(server) === key);
  }

  /** Servers that host a replica, from the directory and from this server's setup. */
  peersFor(replicaId: string): string[] {
    const replica = this.store.findReplica(replicaId);
    if (replica === undefined) return [];
    const fromDirectory = sameDatabasePath(replica.info.path, NAMES_NSF) ? this.serverNames() : (findVaultDocument(this.names(), replica.info.path)?.servers ?? []);
    return [...this.setupSources(replicaId), ...fromDirectory];
  }

  setupSources(replicaId: string): string[] {
    return this.runtime.setup.replicas.find((setup) => setup.replicaId === replicaId)?.sources ?? [];
  }

  /** The cluster named in this server's Server document. */
  clusterName(): string {
    return this.serverDocument() === undefined ? '' : textItem((this.serverDocument() as Note).items, 'ClusterName');
  }

  /** Other servers whose Server documents name this server's cluster. */
  clusterMates(): string[] {
    const cluster = this.clusterName().toLowerCase();
    if (cluster === '') return [];
    const self = nameKey(this.serverName);
    return [...this.names().documentsOfForm(Forms.Server)]
      .filter((note) => textItem(note.items, 'ClusterName').toLowerCase() === cluster)
      .map((note) => textItem(note.items, 'ServerName'))
      .filter((name) => tryNameKey(name) !== undefined && nameKey(name) !== self);
  }

  private serverDocument(): Note | undefined {
    const self = nameKey(this.serverName);
    for (const note of this.names().documentsOfForm(Forms.Server)) {
      if (tryNameKey(textItem(note.items, 'ServerName')) === self) return note;
    }
    return undefined;
  }

  /** names.nsf goes to every server of the domain; a vault database only to the vault's servers. */
  mayReplicate(replicaId: string, peer: string): boolean {
    const replica = this.store.findReplica(replicaId);
    if (replica === undefined) return false;
    const key = nameKey(peer);
    if (sameDatabasePath(replica.info.path, NAMES_NSF)) {
      const servers = this.serverNames();
      return servers.length === 0 || servers.some((server) => nameKey(server) === key);
    }
    const vault = findVaultDocument(this.names(), replica.info.path);
    return vault !== undefined && vault.servers.some((server) => nameKey(server) === key);
  }
}
