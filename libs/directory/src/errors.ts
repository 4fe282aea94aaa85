/** A save names a replica that this server does not host. */
export class UnknownReplicaError extends Error {
  readonly code = 'UNKNOWN_REPLICA';

  constructor(
    readonly server: string,
    readonly replica: string,
  ) {
    super(`server ${server} hosts no replica ${replica}`);
    this.name = 'UnknownReplicaError';
  }
}

/** A save edits or deletes a note that is not in the replica, or creates one that already is. */
export class NoteStateError extends Error {
  readonly code = 'NOTE_STATE';

  constructor(
    readonly replicaId: string,
    readonly unid: string,
    readonly reason: string,
  ) {
    super(`note ${unid} in replica ${replicaId}: ${reason}`);
    this.name = 'NoteStateError';
  }
}

/** A revision failed a check (signature, originator, schema) and was not stored. */
export class RejectedRevisionError extends Error {
  readonly code = 'REJECTED_REVISION';

  constructor(
    readonly unid: string,
    readonly reason: string,
  ) {
    super(`revision of note ${unid} rejected: ${reason}`);
    this.name = 'RejectedRevisionError';
  }
}
