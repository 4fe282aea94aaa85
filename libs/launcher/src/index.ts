export { NatsServerNotFoundError, StartAbortedError, StartTimeoutError } from './errors';
export { acquireDomainLock, type DomainLock, type DomainLockHolder, DomainLockedError, liveLockHolder, readDomainLock } from './domain-lock';
export { type DomainProcess, domainProcessKind, findDomainProcesses } from './domain-processes';
export { findNatsServerBinary, type NatsClusterMembership, type NatsCredentials, newNatsCredentials, natsServerArguments, type NatsServerOptions, type StartedNatsServer, startNatsServer } from './nats-server';
export {
  allocateNatsCluster,
  assertClusterSize,
  InvalidClusterSizeError,
  MAX_CLUSTER_NODES,
  type NatsClusterOptions,
  type NatsNodePlan,
  natsUrlsForServer,
  planNatsCluster,
  type StartedNatsCluster,
  startNatsCluster,
  waitForRoutes,
} from './nats-cluster';
export { canConnect, findFreePort } from './ports';
export { commandLineOf, isAlive, isSameProcess, processIdentity, stopAttachedChildren, terminate, waitFor } from './processes';
export { hostEntryPoint, type HostProcessOptions, serverEntryPoint, type ServerProcessOptions, spawnHostProcess, spawnServerProcess } from './server-process';
export { natsCredentialEnvironment, type RunningDomain, type RunningServer, SERVER_OUTPUT_FILE, startDomain, type StartDomainOptions } from './domain-runner';
export { InvalidRunStateError, isNatsRunning, isRecordedProcess, isServerRunning, liveProcesses, readRunState, removeRunState, RUN_STATE_FILE, recordedNatsProcesses, type RunState, writeRunState } from './run-state';
export { loadConsoleKeys } from './console-keys';
