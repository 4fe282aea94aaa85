export { DomainClient, type DomainClientOptions } from './domain-client';
export { ServerRequestError, ServerUnreachableError } from './errors';
export type {
  AppliedNotice,
  ConsoleLineNotice,
  ConsoleReply,
  ConsoleRequest,
  HealthReply,
  ReplicaHealth,
  ReplicationHealth,
  ViewReply,
  ViewRequest,
  ViewRequestReply,
} from './protocol';
export { replicasAgree } from './convergence';
