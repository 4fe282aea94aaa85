import { type Resolution, resolveHeads } from './conflict-rule';
import { type Revision, revisionKey } from './revision';

const NO_CONFLICTS: readonly Revision[] = Object.freeze([]);

/**
 * What a replica knows of one note: the heads (revisions that no held revision edited)
 * and the keys of revisions that some held revision edited. Both are functions of the
 * set of revisions held, so arrival order never changes the result.
 *
 * Most notes have one head and were edited in order, so that case keeps a single field and
 * no collections; the map of heads and the set of edited keys appear only when needed.
 * With 100,000 notes this is the difference between tens and hundreds of megabytes.
 */
export class NoteHistory {
  private head: Revision | undefined;
  private heads: Map<string, Revision> | undefined;
  private superseded: Set<string> | undefined;
  /** The key of the one revision a later save edited, while that is all there is to remember. */
  private editedKey: string | undefined;
  private resolution: Resolution | undefined;

  constructor(readonly unid: string) {}

  add(revision: Revision): void {
    const key = revisionKey(revision);
    if (!this.isSuperseded(key)) this.addHead(key, revision);
    if (revision.parent !== null) {
      const parentKey = revisionKey(revision.parent);
      this.markSuperseded(parentKey);
      this.removeHead(parentKey);
    }
    this.resolution = undefined;
  }

  resolve(): Resolution {
    if (this.heads === undefined) {
      if (this.head === undefined) return resolveHeads([]);
      return { winner: this.head, conflicts: NO_CONFLICTS };
    }
    this.resolution ??= resolveHeads(this.heads.values());
    return this.resolution;
  }

  headCount(): number {
    return this.heads?.size ?? (this.head === undefined ? 0 : 1);
  }

  private isSuperseded(key: string): boolean {
    return this.editedKey === key || (this.superseded?.has(key) ?? false);
  }

  private markSuperseded(key: string): void {
    if (this.superseded !== undefined) {
      this.superseded.add(key);
    } else if (this.editedKey === undefined || this.editedKey === key) {
      this.editedKey = key;
    } else {
      this.superseded = new Set([this.editedKey, key]);
      this.editedKey = undefined;
    }
  }

  private addHead(key: string, revision: Revision): void {
    if (this.heads !== undefined) {
      this.heads.set(key, revision);
    } else if (this.head === undefined || revisionKey(this.head) === key) {
      this.head = revision;
    } else {
      this.heads = new Map([
        [revisionKey(this.head), this.head],
        [key, revision],
      ]);
      this.head = undefined;
    }
  }

  private removeHead(key: string): void {
    if (this.heads !== undefined) {
      this.heads.delete(key);
      if (this.heads.size === 1) {
        this.head = this.heads.values().next().value;
        this.heads = undefined;
      }
    } else if (this.head !== undefined && revisionKey(this.head) === key) {
      this.head = undefined;
    }
  }
}
