import { hash } from 'node:crypto';

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
  private readonly digestBytes = Buffer.alloc(32);
  /** Live notes by lower-case form, so views and lookups of one form skip the others. */
  private readonly byForm = new Map<string, Set<string>>();
  private conflicts = 0;

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
    } else {
      this.forgetState(history);
    }
    history.add(revision);
    this.countState(history);
  }

  /**
   * Removes a note's contribution to the digest and the conflict count. Both are kept up to
   * date change by change, so reading them costs nothing however many notes there are.
   */
  private forgetState(history: NoteHistory): void {
    const { winner, conflicts } = history.resolve();
    xorInto(this.digestBytes, stateHash(history));
    this.conflicts -= conflicts.length;
    if (!winner.deleted) this.byForm.get((winner.form ?? '').toLowerCase())?.delete(history.unid);
  }

  private countState(history: NoteHistory): void {
    const { winner, conflicts } = history.resolve();
    xorInto(this.digestBytes, stateHash(history));
    this.conflicts += conflicts.length;
    if (winner.deleted) return;
    const form = (winner.form ?? '').toLowerCase();
    let unids = this.byForm.get(form);
    if (unids === undefined) {
      unids = new Set();
      this.byForm.set(form, unids);
    }
    unids.add(history.unid);
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
      for (const loser of conflicts) yield conflictNote(history.unid, loser);
    }
  }

  /** Visible documents of one form, conflict documents excluded. */
  *documentsOfForm(form: string): IterableIterator<Note> {
    for (const unid of this.byForm.get(form.toLowerCase()) ?? []) {
      const note = this.note(unid);
      if (note !== undefined) yield note;
    }
  }

  /**
   * The documents of some forms, conflict documents included: what `documents()` yields for
   * those forms, found through the form index instead of by visiting every note.
   */
  *documentsOfForms(forms: readonly string[]): IterableIterator<Note> {
    for (const form of new Set(forms.map((name) => name.toLowerCase()))) {
      for (const unid of this.byForm.get(form) ?? []) {
        const history = this.histories.get(unid);
        if (history === undefined) continue;
        const { winner, conflicts } = history.resolve();
        if (winner.deleted) continue;
        yield toNote(winner);
        for (const loser of conflicts) yield conflictNote(history.unid, loser);
      }
    }
  }

  /** Forgets a note entirely, as purging its deletion stub does. Returns whether it was known. */
  forget(unid: string): boolean {
    const history = this.histories.get(unid);
    if (history === undefined) return false;
    this.forgetState(history);
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
   * state. Two replicas with equal digests show the same documents. It is the XOR of one
   * hash per note, so it does not depend on order and changes in constant time.
   */
  digest(): string {
    return this.digestBytes.toString('hex');
  }

  /** Conflict documents in the replica. */
  conflictCount(): number {
    return this.conflicts;
  }
}

/** The hash of one note's visible state: UNID, winner, deletion and sorted conflicts. */
function stateHash(history: NoteHistory): Buffer {
  const { winner, conflicts } = history.resolve();
  const losers = conflicts.length === 0 ? '' : conflicts.map(revisionKey).sort().join(',');
  return hash('sha256', `${history.unid} ${revisionKey(winner)} ${winner.deleted ? 'deleted' : 'live'} ${losers}`, 'buffer');
}

function xorInto(target: Buffer, value: Buffer): void {
  for (let index = 0; index < target.length; index += 1) target[index] ^= value[index];
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

/** A "Replication or Save Conflict" document: the losing revision as a response to the note it lost to. */
function conflictNote(unid: string, loser: Revision): Note {
  const note = toNote(loser);
  const items = { ...note.items, [CONFLICT_ITEM]: '', [REF_ITEM]: unid };
  return { ...note, items, unid: conflictUnid(unid, loser), conflictOf: unid };
}

function conflictUnid(unid: string, loser: Revision): string {
  return deriveUnid('conflict', unid, revisionKey(loser));
}
