export { eventually, type EventuallyOptions } from './eventually';
export { type FaultRun, runFaultSchedule } from './fault-runner';
export { StartedTestDomain, TestDomainBuilder } from './test-domain';
