export { ANY_SERVER, FaultTable, type LinkFaultEntry } from './fault-table';
export { formatLinkFault, InvalidFaultError, type LinkFault, parseLinkFault } from './link-fault';
export { LinkGate, type Random, seededRandom } from './link-gate';
export { type FaultSchedule, type FaultScheduleOptions, type FaultStep, formatFaultSchedule, generateFaultSchedule } from './fault-schedule';
