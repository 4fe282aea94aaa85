import { createHash } from 'node:crypto';

import { CONFLICT_ITEM, REF_ITEM } from './forms';
import { deriveUnid } from './ids';
import { NoteHistory } from './note-history';
import { type Items, type Revision, type RevisionRef, revisionKey } from './revision';

/** Identity of a database replica hosted on a server. */
export interface ReplicaInfo {
  readonly replicaId: string;
  /** Path relative to the data directory, e.g. `names.nsf`. */
  readonly path: string;
  readonly title: string;
}

/** One note's state in a replica: its winning revision, whether that is a deletion, and its conflicts. */
export interface NoteSummary {
  readonly unid: string;
  readonly winner: string;
  readonly deleted: boolean;
  readonly conflicts: readonly string[];
}

/** A document as views show it: the winning revision of a note, or a conflict document. */
export interface Note {
  readonly unid: string;
  readonly form: string;
  readonly items: Items;
  readonly seq: number;
  readonly seqTime: number;
  readonly revision: RevisionRef;
  /** Set on a "Replication or Save Conflict" document: the UNID of the document it lost to. */
  readonly conflictOf?: string;
}

/**
 * The visible state of one replica, built by adding revisions. The state depends only
 * on which revisions were added, never on their order.
 */
export class ReplicaState {
  private readonly histories = new Map<string, NoteHistory>();

  constructor(readonly info: ReplicaInfo) {}

  get replicaId(): string {
    return this.info.replicaId;
  }

  /** Adds a revision; purge placeholders carry no state and are ignored. */
  add(revision: Revision): void {
    if (revision.purged === true) return;
    let history = this.histories.get(revision.unid);
    if (history === undefined) {
      history = new NoteHistory(revision.unid);
      this.histories.set(revision.unid, history);
    }
    history.add(revision);
  }

  /** The winning revision of a note, a deletion stub included; undefined for an unknown UNID. */
  winner(unid: string): Revision | undefined {
    return this.histories.get(unid)?.resolve().winner;
  }

  /** The visible document with this UNID; undefined when unknown or deleted. */
  note(unid: string): Note | undefined {
    const winner = this.winner(unid);
    return winner === undefined || winner.deleted ? undefined : toNote(winner);
  }

  /** Every visible document, conflict documents included, in no particular order. */
  *documents(): IterableIterator<Note> {
    for (const history of this.histories.values()) {
      const { winner, conflicts } = history.resolve();
      if (winner.deleted) continue;
      yield toNote(winner);
      for (const loser of conflicts) {
        const note = toNote(loser);
        const items = { ...note.items, [CONFLICT_ITEM]: '', [REF_ITEM]: history.unid };
        yield { ...note, items, unid: conflictUnid(history.unid, loser), conflictOf: history.unid };
      }
    }
  }

  /** Visible documents of one form, conflict documents excluded. */
  *documentsOfForm(form: string): IterableIterator<Note> {
    const wanted = form.toLowerCase();
    for (const note of this.documents()) {
      if (note.conflictOf === undefined && note.form.toLowerCase() === wanted) yield note;
    }
  }

  /** Forgets a note entirely, as purging its deletion stub does. Returns whether it was known. */
  forget(unid: string): boolean {
    return this.histories.delete(unid);
  }

  /** UNIDs of notes whose winner is a deletion stub saved before `before` (ms since the epoch). */
  stubsOlderThan(before: number): string[] {
    const unids: string[] = [];
    for (const history of this.histories.values()) {
      const { winner } = history.resolve();
      if (winner.deleted && winner.seqTime < before) unids.push(history.unid);
    }
    return unids;
  }

  noteCount(): number {
    return this.histories.size;
  }

  /** Each note's state, sorted by UNID: what the digest covers, for telling replicas apart. */
  summaries(): NoteSummary[] {
    const result: NoteSummary[] = [];
    for (const history of this.histories.values()) {
      const { winner, conflicts } = history.resolve();
      result.push({ unid: history.unid, winner: revisionKey(winner), deleted: winner.deleted, conflicts: conflicts.map(revisionKey).sort() });
    }
    return result.sort((a, b) => a.unid.localeCompare(b.unid));
  }

  /**
   * A digest of what views can show: every note's winner, its conflicts and its deletion
   * state. Two replicas with equal digests show the same documents.
   */
  digest(): string {
    const lines: string[] = [];
    for (const history of this.histories.values()) {
      const { winner, conflicts } = history.resolve();
      const losers = conflicts.map(revisionKey).sort().join(',');
      lines.push(`${history.unid} ${revisionKey(winner)} ${winner.deleted ? 'deleted' : 'live'} ${losers}`);
    }
    lines.sort();
    return createHash('sha256').update(lines.join('\n')).digest('hex');
  }
}

function toNote(revision: Revision): Note {
  return {
    unid: revision.unid,
    form: revision.form ?? '',
    items: revision.items ?? {},
    seq: revision.seq,
    seqTime: revision.seqTime,
    revision: { originator: revision.originator, counter: revision.counter },
  };
}

function conflictUnid(unid: string, loser: Revision): string {
  return deriveUnid('conflict', unid, revisionKey(loser));
}
