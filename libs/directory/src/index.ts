export { compareRevisions, type Resolution, resolveHeads } from './conflict-rule';
export { databasePathKey, sameDatabasePath } from './database-path';
export {
  type AppliedListener,
  DirectoryStore,
  type DirectoryStoreOptions,
  type NoteChange,
  type ReceiveResult,
  type RevisionCheck,
  type RevisionSource,
} from './directory-store';
export { NoteStateError, RejectedRevisionError, UnknownReplicaError } from './errors';
export { CertificateTypes, type CertificateType, CONFLICT_ITEM, Forms, NAMES_NSF, REF_ITEM } from './forms';
export { deriveUnid, newReplicaId, newUnid } from './ids';
export { findItem, textItem, textListItem } from './items';
export { NoteHistory } from './note-history';
export { type Note, type NoteSummary, type ReplicaInfo, ReplicaState } from './replica-state';
export { checkRevision, type RevisionCheckResult } from './revision-validator';
export { type ItemValue, type Items, REPLICA_ID_PATTERN, type Revision, type RevisionRef, revisionKey, revisionSchema, UNID_PATTERN } from './revision';
export { CERTIFICATES_VIEW, CONNECTIONS_VIEW, displayDate, displayName, NAMES_VIEWS, PEOPLE_VIEW, SERVERS_VIEW } from './views/names-views';
export { findView, renderView, type ViewColumn, type ViewDefinition, type ViewRow } from './views/view-definition';
