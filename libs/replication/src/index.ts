export { RateLimitedWarnings, type ReplicationLogger } from './logger';
export {
  decodeMessage,
  encodeMessage,
  type PullReply,
  type PullRequest,
  type PushMessage,
  type VectorMessage,
} from './messages';
export { isAhead, type JobEvent, Replicator, type ReplicatorOptions, type ReplicatorStats } from './replicator';
export type { ReplicationDirectory } from './replication-directory';
export { type HistoryDirection, type HistoryEntry, ReplicationHistory } from './replication-history';
export { type DatabaseResult, type JobMode, type JobResult, type ReplicationJob, ReplicationJobQueue } from './replication-jobs';
export { SessionError } from './replication-sessions';
export { ConnectionScheduler, type ScheduledConnection, type SchedulerOptions } from './scheduler';
export { type SessionCounts } from './session-counts';
export { DomainSubjects } from './subjects';
export { type Delivery, ReplicationCounters, type ReplicationStatistics } from './replication-stats';
export {
  type ConnectionSchedule,
  formatInterval,
  formatWindow,
  InvalidConnectionError,
  isInWindow,
  MAX_INTERVAL_SECONDS,
  MIN_INTERVAL_SECONDS,
  parseInterval,
  parseReplicationType,
  parseWindow,
  readConnection,
  REPLICATION_TYPES,
  type ReplicationType,
} from './connections';
export {
  ANY_SERVER,
  type FaultSchedule,
  type FaultScheduleOptions,
  type FaultStep,
  FaultTable,
  formatFaultSchedule,
  formatLinkFault,
  generateFaultSchedule,
  InvalidFaultError,
  type LinkFault,
  type LinkFaultEntry,
  LinkGate,
  parseLinkFault,
  type Random,
  seededRandom,
} from './faults';
