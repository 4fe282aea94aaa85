export { NatsServerNotFoundError, StartTimeoutError } from './errors';
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
export { commandLineOf, isAlive, stopAttachedChildren, terminate, waitFor } from './processes';
export { hostEntryPoint, type HostProcessOptions, serverEntryPoint, type ServerProcessOptions, spawnHostProcess, spawnServerProcess } from './server-process';
export { natsCredentialEnvironment, type RunningDomain, type RunningServer, SERVER_OUTPUT_FILE, startDomain, type StartDomainOptions } from './domain-runner';
export { isRecordedProcess, isServerRunning, liveProcesses, readRunState, removeRunState, RUN_STATE_FILE, recordedNatsProcesses, type RunState, writeRunState } from './run-state';
export { loadConsoleKeys } from './console-keys';
