import type { HealthReply } from './protocol';

/** True when every replica shows the same digest on every server that reported it. */
export function replicasAgree(replies: readonly HealthReply[]): boolean {
  const digests = new Map<string, Set<string>>();
  for (const reply of replies) {
    for (const replica of reply.replicas) {
      const set = digests.get(replica.replicaId) ?? new Set<string>();
      set.add(replica.digest);
      digests.set(replica.replicaId, set);
    }
  }
  return [...digests.values()].every((set) => set.size === 1);
}
