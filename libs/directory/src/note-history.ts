import { type Resolution, resolveHeads } from './conflict-rule';
import { type Revision, revisionKey } from './revision';

/**
 * What a replica knows of one note: the heads (revisions that no held revision edited)
 * and the keys of revisions that some held revision edited. Both are functions of the
 * set of revisions held, so arrival order never changes the result.
 */
export class NoteHistory {
  private readonly heads = new Map<string, Revision>();
  private readonly superseded = new Set<string>();
  private resolution: Resolution | undefined;

  constructor(readonly unid: string) {}

  add(revision: Revision): void {
    const key = revisionKey(revision);
    if (!this.superseded.has(key)) {
      this.heads.set(key, revision);
    }
    if (revision.parent !== null) {
      const parentKey = revisionKey(revision.parent);
      this.superseded.add(parentKey);
      this.heads.delete(parentKey);
    }
    this.resolution = undefined;
  }

  resolve(): Resolution {
    this.resolution ??= resolveHeads(this.heads.values());
    return this.resolution;
  }

  headCount(): number {
    return this.heads.size;
  }
}
