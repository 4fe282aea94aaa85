/** What the replicator needs to know about the domain, read from the server's own directory. */
export interface ReplicationDirectory {
  /** The other servers in this server's cluster; empty when it is in none. */
  clusterMates(): readonly string[];
  /** Servers that host a replica, as far as this server knows. */
  peersFor(replicaId: string): readonly string[];
  /** Servers to copy a replica from while this server's replica is still empty. */
  setupSources(replicaId: string): readonly string[];
  /** Whether a server may replicate a replica with this one: the vault database goes only to vault servers. */
  mayReplicate(replicaId: string, peer: string): boolean;
}
