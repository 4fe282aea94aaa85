import { nameKey } from '@domsim/names';

import type { LinkFault } from './link-fault';

/** One directed link's fault, by canonical server names. */
export interface LinkFaultEntry {
  readonly from: string;
  readonly to: string;
  readonly fault: LinkFault;
}

/**
 * The faults on the links of a domain. Every server holds the whole table and applies the
 * entries whose link ends at itself. `version` orders snapshots from different servers.
 */
export class FaultTable {
  private entries = new Map<string, LinkFaultEntry>();
  version = 0;

  set(from: string, to: string, fault: LinkFault | undefined, version: number): void {
    const key = linkKey(from, to);
    if (fault === undefined) this.entries.delete(key);
    else this.entries.set(key, { from, to, fault });
    this.version = Math.max(this.version + 1, version);
  }

  /**
   * The fault on a link. An entry for `*` stands for every server: the most specific entry
   * wins, so `server1 -> *` overrides `* -> *` and `server1 -> server2` overrides both.
   */
  get(from: string, to: string): LinkFault | undefined {
    if (this.entries.size === 0) return undefined;
    return (
      this.entries.get(linkKey(from, to))?.fault ??
      this.entries.get(linkKey(from, ANY_SERVER))?.fault ??
      this.entries.get(linkKey(ANY_SERVER, to))?.fault ??
      this.entries.get(linkKey(ANY_SERVER, ANY_SERVER))?.fault
    );
  }

  clearAll(version: number): void {
    this.entries.clear();
    this.version = Math.max(this.version + 1, version);
  }

  all(): LinkFaultEntry[] {
    return [...this.entries.values()];
  }

  /** Replaces the table with a newer snapshot; returns whether it was newer. */
  replace(entries: readonly LinkFaultEntry[], version: number): boolean {
    if (version <= this.version) return false;
    this.entries = new Map(entries.map((entry) => [linkKey(entry.from, entry.to), entry]));
    this.version = version;
    return true;
  }
}

/** Stands for every server in a link fault: `sim fault * * latency 100ms`. */
export const ANY_SERVER = '*';

function linkKey(from: string, to: string): string {
  const key = (server: string) => (server === ANY_SERVER ? ANY_SERVER : nameKey(server));
  return `${key(from)}>${key(to)}`;
}
