import { Command, InvalidArgumentError } from 'commander';

import { MAX_CLUSTER_NODES } from '@domsim/launcher';

import { runConsole } from './commands/console.command';
import { runFaultCommand, runNatsControl, runServerControl } from './commands/control.command';
import { runDemo } from './commands/demo.command';
import { runDown } from './commands/down.command';
import { runExec } from './commands/exec.command';
import { runSetup } from './commands/setup.command';
import { runStatus } from './commands/status.command';
import { runTotpReset } from './commands/totp.command';
import { runUi } from './commands/ui.command';
import { runUp } from './commands/up.command';
import { runView } from './commands/view.command';
import { CliError, ExitCode } from './cli-error';
import { DEFAULT_DATA_DIRECTORY } from './domain-context';

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError(`"${value}" is not a positive number of seconds`);
  return seconds;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError(`"${value}" is not a port number from 0 to 65535 (0 picks a free port)`);
  return port;
}

function clusterSize(value: string): number {
  const nodes = Number(value);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_CLUSTER_NODES) throw new InvalidArgumentError(`"${value}" is not a node count from 1 to ${MAX_CLUSTER_NODES}`);
  return nodes;
}

const program = new Command('domsim')
  .description('Run a simulated HCL Domino domain: servers that replicate their directory over NATS, with the ID vault and MFA trust flow')
  .showHelpAfterError()
  .exitOverride();

const dataOption = ['--data <dir>', 'domain directory (created by up on first use)', DEFAULT_DATA_DIRECTORY] as const;
const natsOption = ['--nats <url>', 'NATS server URL of a domain not started from this directory'] as const;
const domainOption = ['--domain <name>', 'domain name, with --nats when the directory holds no domain.json'] as const;

program
  .command('up')
  .description('create the domain on first use, then start a private nats-server and every server')
  .option(...dataOption)
  .option('--topology <file>', 'topology file for a new domain (default: the renovations domain shipped with domsim)')
  .option('--nats <url>', 'use this NATS server instead of starting a private one (several URLs, comma-separated, for a cluster)')
  .option('--nats-cluster <nodes>', 'start a private NATS cluster of this many nodes on loopback and spread the servers over them', clusterSize)
  .option('--in-process', 'run every server in one Node process (each still its own NestJS application with its own log); for large domains on one machine', false)
  .option('--detach', 'return once every console answers and leave the domain running', false)
  .option('--timeout <seconds>', 'how long each server may take to start', positiveSeconds, 30)
  .option('--ui', 'also serve the live web view of the domain and print its URL (not with --detach; use domsim ui then)', false)
  .option('--ui-host <address>', 'loopback address the live view listens on', '127.0.0.1')
  .option('--ui-port <port>', 'port of the live view (0: a free port)', portNumber, 0)
  .action(async (options) => exit(await runUp(options)));

program
  .command('setup')
  .description('create the domain directory (certifier ID files, server setups) without starting anything')
  .option(...dataOption)
  .option('--topology <file>', 'topology file (default: the renovations domain shipped with domsim)')
  .option('--if-missing', 'succeed without changes when the domain is already set up', false)
  .action(async (options) => exit(await runSetup(options)));

program
  .command('down')
  .description('stop what up started; the data stays')
  .option(...dataOption)
  .action(async (options) => exit(await runDown(options)));

program
  .command('exec')
  .description("run one console command on a server, like Domino's server -c")
  .argument('<server>', 'server name, e.g. server1/renovations')
  .argument('<command...>', 'the console command; quote it as one argument')
  .option(...dataOption)
  .option(...natsOption)
  .option(...domainOption)
  .option('--json', 'print the reply as JSON', false)
  .option('--timeout <seconds>', 'how long to wait for the reply', positiveSeconds, 60)
  .action(async (server, words, options) => exit(await runExec(server, words, options)));

program
  .command('console')
  .description("open a server's console: type commands, see its output live")
  .argument('<server>', 'server name, e.g. server1/renovations')
  .option(...dataOption)
  .option(...natsOption)
  .option(...domainOption)
  .action(async (server, options) => exit(await runConsole(server, options)));

program
  .command('view')
  .description('list a view of a database on a server, e.g. view server3/renovations names.nsf Certificates')
  .argument('<server>', 'server name')
  .argument('<database>', 'database path, e.g. names.nsf')
  .argument('<view>', 'view name, e.g. Certificates')
  .option(...dataOption)
  .option(...natsOption)
  .option(...domainOption)
  .option('--json', 'print the rows as JSON', false)
  .action(async (server, database, view, options) => exit(await runView(server, database, view, options)));

program
  .command('status')
  .description('show each server, its replicas, version vectors and whether they agree')
  .option(...dataOption)
  .option('--json', 'print as JSON', false)
  .action(async (options) => exit(await runStatus(options)));

program
  .command('totp')
  .description('manage the TOTP devices of web users')
  .command('reset')
  .description("delete all TOTP devices and scratch codes of a user, like Domino's Reset TOTP Items; the user enrolls again at the next web login")
  .argument('<user>', 'user name, e.g. "totp user/mfatest1"')
  .option(...dataOption)
  .option(...natsOption)
  .option(...domainOption)
  .option('--server <server>', 'vault server to run it on (default: the first server that hosts an ID vault)')
  .option('--timeout <seconds>', 'how long to wait for the reply', positiveSeconds, 60)
  .action(async (user, options) => exit(await runTotpReset(user, options)));

program
  .command('ui')
  .description('serve a live web view of a running domain: servers, Certificates views, propagation timeline, lag, console, link faults and the trust demo')
  .option(...dataOption)
  .option(...natsOption)
  .option(...domainOption)
  .option('--host <address>', 'loopback address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on (0: a free port)', portNumber, 0)
  .action(async (options) => exit(await runUi(options)));

program
  .command('demo')
  .description('run the MFA trust flow on a fresh domain and narrate it with propagation times')
  .option('--data <dir>', 'directory for the demo domain (default: a temporary directory, removed afterwards)')
  .option('--keep', 'leave the demo domain running afterwards', false)
  .action(async (options) => exit(await runDemo(options)));

const server = program.command('server').description("stop, crash or start one server of a running domain, to see how replication copes");
for (const [action, description] of [
  ['stop', 'stop a server (SIGTERM); it shuts down cleanly'],
  ['kill', 'crash a server (SIGKILL, as kill -9)'],
  ['start', 'start a stopped server again on its data directory'],
] as const) {
  server
    .command(action)
    .description(description)
    .argument('<server>', 'server name, e.g. server3/renovations')
    .option(...dataOption)
    .action(async (name, options) => exit(await runServerControl(action, name, options)));
}

const nats = program.command('nats').description('stop or start the private NATS server, or one node of a private NATS cluster');
for (const action of ['stop', 'start', 'restart'] as const) {
  nats
    .command(action)
    .description(`${action} a NATS node on its ports; servers reconnect by themselves`)
    .option(...dataOption)
    .option('--node <n>', 'node of a NATS cluster, 1 for the first', positiveInteger, 1)
    .action(async (options) => exit(await runNatsControl(action, options)));
}

program
  .command('fault')
  .description('set the fault on the link from one server to another: partition, latency 100ms, jitter 20ms, drop 10%, duplicate 5%, reorder 10%, or clear; * stands for every server')
  .argument('<from>', 'server that sends, or *')
  .argument('<to>', 'server that receives, or *')
  .argument('<fault...>', 'the fault, e.g. latency 100ms drop 5%')
  .option(...dataOption)
  .option(...natsOption)
  .option(...domainOption)
  .action(async (from, to, words, options) => exit(await runFaultCommand(`sim fault ${from} ${to} ${words.join(' ')}`, options)));

program
  .command('heal')
  .description('clear every link fault in the domain')
  .option(...dataOption)
  .option(...natsOption)
  .option(...domainOption)
  .action(async (options) => exit(await runFaultCommand('sim heal', options)));

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError(`"${value}" is not a whole number from 1`);
  return number;
}

function exit(code: number): never {
  process.exit(code);
}

program.parseAsync(process.argv).catch((error: unknown) => {
  const commanderCode = (error as { code?: string }).code;
  if (commanderCode === 'commander.helpDisplayed' || commanderCode === 'commander.version' || commanderCode === 'commander.help') process.exit(ExitCode.Ok);
  if (commanderCode !== undefined && commanderCode.startsWith('commander.')) process.exit(ExitCode.Usage);
  if (error instanceof CliError) {
    process.stderr.write(`domsim: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`domsim: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(ExitCode.Failed);
});
