export { DomainClient, type DomainClientOptions } from './domain-client';
export { ServerRequestError, ServerUnreachableError } from './errors';
export type {
  AppliedNotice,
  ConsoleLineNotice,
  ConsoleReply,
  ConsoleRequest,
  HealthReply,
  NotesReply,
  NotesRequest,
  ReplicaHealth,
  ReplicationHealth,
  ViewReply,
  ViewRequest,
  ViewRequestReply,
} from './protocol';
export { type ConvergenceReport, describeConvergence, type ReplicaDifference, replicasAgree, waitForConvergence } from './convergence';
