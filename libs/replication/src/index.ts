export { RateLimitedWarnings, type ReplicationLogger } from './logger';
export {
  decodeMessage,
  encodeMessage,
  type PullReply,
  type PullRequest,
  type PushMessage,
  type VectorMessage,
} from './messages';
export { isAhead, type PartnerHistory, type PullOutcome, Replicator, type ReplicatorOptions, type ReplicatorStats } from './replicator';
export { DomainSubjects } from './subjects';
export { type Delivery, ReplicationCounters, type ReplicationStatistics } from './replication-stats';
