import type { CommandSpec } from './command-registry';
import { CommandRegistry } from './command-registry';

/** Stable ids that connect a command's syntax (shared with clients) to its handler on the server. */
export type CommandId =
  | 'help'
  | 'show-idvault'
  | 'show-server'
  | 'show-tasks'
  | 'show-stat'
  | 'show-schedule'
  | 'mfamgmt-create-trustcert'
  | 'replicate'
  | 'pull'
  | 'push'
  | 'sim-show-replicas'
  | 'sim-connection'
  | 'sim-fault'
  | 'sim-show-faults'
  | 'sim-heal'
  | 'sim-workload'
  | 'sim-check-log'
  | 'sim-server-stop'
  | 'sim-server-kill'
  | 'sim-write'
  | 'sim-totp-reset';

export interface DominoCommandSpec extends CommandSpec {
  readonly id: CommandId;
}

/**
 * The console commands every domsim server accepts. Clients use the same list to mask
 * secrets before a command line leaves the machine it was typed on.
 */
export const DOMINO_COMMANDS: readonly DominoCommandSpec[] = [
  { id: 'help', keywords: ['help'], arguments: [{ name: 'command', optional: true }], summary: 'List the console commands, or show one command' },
  { id: 'show-idvault', keywords: ['show', 'idvault'], arguments: [], summary: 'Show the ID vaults on this server, their servers and trusts' },
  { id: 'show-server', keywords: ['show', 'server'], arguments: [], summary: 'Show the server name, domain, directory and elapsed time' },
  { id: 'show-tasks', keywords: ['show', 'tasks'], arguments: [], summary: 'Show the server tasks and what each is doing' },
  {
    id: 'show-stat',
    keywords: ['show', 'stat'],
    arguments: [{ name: 'statistic', optional: true }],
    summary: 'Show statistics, all or those matching a name such as Replica.Cluster.*',
  },
  { id: 'show-schedule', keywords: ['show', 'schedule'], arguments: [], summary: "Show this server's replication schedule from its Connection documents" },
  {
    id: 'replicate',
    keywords: ['replicate'],
    arguments: [{ name: 'server' }, { name: 'database', optional: true }],
    summary: 'Pull from a server, then push to it; all databases in common, or one',
  },
  { id: 'pull', keywords: ['pull'], arguments: [{ name: 'server' }, { name: 'database', optional: true }], summary: 'Pull changes from a server' },
  { id: 'push', keywords: ['push'], arguments: [{ name: 'server' }, { name: 'database', optional: true }], summary: 'Push changes to a server' },
  {
    id: 'mfamgmt-create-trustcert',
    keywords: ['mfamgmt', 'create', 'trustcert'],
    arguments: [{ name: 'OU or O to allow' }, { name: 'certifier ID file' }, { name: 'certifier password', secret: true }],
    summary: 'Issue a Multi-Factor Authentication Certificate, e.g. mfamgmt create trustcert "*/O=mfatest1" cert.id <password>',
  },
  {
    id: 'sim-show-replicas',
    keywords: ['sim', 'show', 'replicas'],
    arguments: [],
    summary: 'Show each replica on this server: replica ID, notes, version vector and digest',
    simulatorOnly: true,
  },
  {
    id: 'sim-connection',
    keywords: ['sim', 'connection'],
    arguments: [{ name: 'destination server' }, { name: 'type' }, { name: 'interval', optional: true }, { name: 'window', optional: true }],
    summary: 'Create or change the Connection document from this server: type pull-push, pull-pull, push-only, pull-only, disable or enable; interval like 60s; window like 08:00-22:00',
    simulatorOnly: true,
  },
  {
    id: 'sim-fault',
    keywords: ['sim', 'fault'],
    arguments: [{ name: 'from server' }, { name: 'to server' }, { name: 'fault', rest: true }],
    summary: 'Set the fault on the link from one server to another (* for every server): partition, latency 100ms, jitter 20ms, drop 10%, duplicate 5%, reorder 10%, or clear',
    simulatorOnly: true,
  },
  { id: 'sim-show-faults', keywords: ['sim', 'show', 'faults'], arguments: [], summary: 'Show the link faults in the domain', simulatorOnly: true },
  { id: 'sim-heal', keywords: ['sim', 'heal'], arguments: [], summary: 'Clear every link fault in the domain', simulatorOnly: true },
  {
    id: 'sim-workload',
    keywords: ['sim', 'workload'],
    arguments: [{ name: 'operations' }, { name: 'seed', optional: true }],
    summary: 'Create, edit and delete test documents (form SimNote) in names.nsf, as users would; the seed makes the choices repeatable',
    simulatorOnly: true,
  },
  {
    id: 'sim-write',
    keywords: ['sim', 'write'],
    arguments: [{ name: 'documents' }, { name: 'batch', optional: true }],
    summary: 'Create test documents (form SimNote) in names.nsf, many per transaction (default 500), for load tests',
    simulatorOnly: true,
  },
  {
    id: 'sim-server-stop',
    keywords: ['sim', 'server', 'stop'],
    arguments: [{ name: 'server' }],
    summary: 'Shut down a server of the domain cleanly (this one too); start it again with domsim server start',
    simulatorOnly: true,
  },
  {
    id: 'sim-server-kill',
    keywords: ['sim', 'server', 'kill'],
    arguments: [{ name: 'server' }],
    summary: 'Crash a server of the domain at once, as kill -9 does; start it again with domsim server start',
    simulatorOnly: true,
  },
  {
    id: 'sim-check-log',
    keywords: ['sim', 'check', 'log'],
    arguments: [],
    summary: "Check the server's event log: SQLite's integrity check and unbroken counters per originator",
    simulatorOnly: true,
  },
  {
    id: 'sim-totp-reset',
    keywords: ['sim', 'totp', 'reset'],
    arguments: [{ name: 'user' }],
    summary: 'Delete all TOTP devices and scratch codes of a user in this vault server\'s vault, e.g. sim totp reset "totp user/mfatest1"',
    simulatorOnly: true,
  },
];

export function dominoCommandRegistry(): CommandRegistry<DominoCommandSpec> {
  const registry = new CommandRegistry<DominoCommandSpec>();
  for (const spec of DOMINO_COMMANDS) registry.register(spec);
  return registry;
}
