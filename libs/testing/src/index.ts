export { eventually, type EventuallyOptions } from './eventually';
export { type FaultRun, runFaultSchedule } from './fault-runner';
export { ConvergenceTimeoutError, InvalidTestDomainError, LagTimeoutError, TestNatsError } from './errors';
export { type LagMeasurement, type MeasureLagOptions, type ServerLag } from './lag';
export { HARNESS_LABEL, removeHarnessContainers, SESSION_LABEL, testSession } from './nats/harness-containers';
export { DEFAULT_NATS_IMAGE, type NatsMode, natsModeFromEnvironment, type NatsSource, startTestNats, type TestNats, type TestNatsOptions } from './nats/test-nats';
export { StartedTestDomain } from './started-test-domain';
export { type ConnectionSpec, type LinkLatencySpec, natsNodesFromEnvironment, type ReplicationType, TestDomainBuilder } from './test-domain-builder';
export { generateTopology, type GeneratedTopologyOptions, MAX_GENERATED_SERVERS, type VaultOptions } from './topology/generated-topology';
