export { eventually, type EventuallyOptions } from './eventually';
export { StartedTestDomain, TestDomainBuilder } from './test-domain';
