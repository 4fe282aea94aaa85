import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Command, Option } from 'commander';

import { MAX_CLUSTER_NODES } from '@domsim/launcher';
import { packageRoot } from '@domsim/topology';

import { runConsole } from './commands/console.command';
import { runFault, runFaultCommand, runNatsControl, runServerControl } from './commands/control.command';
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
import { MAX_TIMEOUT_SECONDS, parseClusterSize, parseDirectory, parseNatsUrls, parsePort, parsePositiveInteger, parseTimeout } from './option-parsers';

/** Set DOMSIM_DEBUG=1 to print the stack trace of an unexpected error. */
const DEBUG = process.env.DOMSIM_DEBUG !== undefined && process.env.DOMSIM_DEBUG !== '' && process.env.DOMSIM_DEBUG !== '0';

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Builds a --timeout option whose value is in seconds and may carry the unit ms, s or m. */
function timeoutOption(what: string, defaultSeconds: number): Option {
  return new Option('--timeout <duration>', `${what}: a time such as 30s, 500ms or 2m, a bare number is seconds, at most ${MAX_TIMEOUT_SECONDS / 60}m`)
    .argParser(parseTimeout)
    .default(defaultSeconds, `${defaultSeconds}s`);
}

const program = new Command('domsim')
  .description('Run a simulated HCL Domino domain: servers that replicate their directory over NATS, with the ID vault and MFA trust flow')
  .version(packageVersion(), '-V, --version', 'print the domsim version')
  .showHelpAfterError('(add --help for the commands and options)')
  .exitOverride();

const dataOption = ['--data <dir>', 'domain directory (created by up on first use)', parseDirectory, DEFAULT_DATA_DIRECTORY] as const;
const natsOption = () => new Option('--nats <url>', 'NATS server URL (nats://HOST:PORT or tls://HOST:PORT) of a domain not started from this directory').argParser(parseNatsUrls);
const domainOption = ['--domain <name>', 'domain name, with --nats when the directory holds no domain.json'] as const;

program
  .command('up')
  .description('create the domain on first use, then start a private nats-server and every server')
  .option(...dataOption)
  .option('--topology <file>', 'topology file for a new domain (default: the renovations domain shipped with domsim)')
  .addOption(new Option('--nats <url>', 'use this NATS server instead of starting a private one: nats://HOST:PORT or tls://HOST:PORT, several comma-separated for a cluster').argParser(parseNatsUrls))
  .option('--nats-cluster <nodes>', `start a private NATS cluster of this many nodes (1 to ${MAX_CLUSTER_NODES}) on loopback and spread the servers over them`, parseClusterSize)
  .option('--in-process', 'run every server in one Node process (each still its own NestJS application with its own log); for large domains on one machine', false)
  .option('--detach', 'return once every console answers and leave the domain running', false)
  .addOption(timeoutOption('how long each server may take to start', 30))
  .option('--ui', 'also serve the live web view of the domain and print its URL (not with --detach; use domsim ui then)', false)
  .option('--ui-host <address>', 'loopback address the live view listens on', '127.0.0.1')
  .option('--ui-port <port>', 'TCP port of the live view (0: a free port)', parsePort, 0)
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
  .option('--force', 'also stop processes of this domain found by their command lines, and remove a run.json that cannot be read', false)
  .action(async (options) => exit(await runDown(options)));

program
  .command('exec')
  .description("run one console command on a server, like Domino's server -c")
  .argument('<server>', 'server name, e.g. server1/renovations')
  .argument('<command...>', 'the console command; quote it as one argument, or give - to read it from standard input (keeps a password out of shell history and ps)')
  .option(...dataOption)
  .addOption(natsOption())
  .option(...domainOption)
  .option('--json', 'print the reply as JSON', false)
  .addOption(timeoutOption('how long to wait for the reply', 60))
  .action(async (server, words, options) => exit(await runExec(server, words, options)));

program
  .command('console')
  .description("open a server's console: type commands, see its output live")
  .argument('<server>', 'server name, e.g. server1/renovations')
  .option(...dataOption)
  .addOption(natsOption())
  .option(...domainOption)
  .action(async (server, options) => exit(await runConsole(server, options)));

program
  .command('view')
  .description('list a view of a database on a server, e.g. view server3/renovations names.nsf Certificates')
  .argument('<server>', 'server name')
  .argument('<database>', 'database path, e.g. names.nsf')
  .argument('<view>', 'view name, e.g. Certificates')
  .option(...dataOption)
  .addOption(natsOption())
  .option(...domainOption)
  .option('--json', 'print the rows as JSON', false)
  .action(async (server, database, view, options) => exit(await runView(server, database, view, options)));

program
  .command('status')
  .description('show each server, its replicas, version vectors and whether they agree; exits 1 when NATS cannot be reached, after listing the recorded processes')
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
  .addOption(natsOption())
  .option(...domainOption)
  .option('--server <server>', 'vault server to run it on (default: the first server that hosts an ID vault)')
  .addOption(timeoutOption('how long to wait for the reply', 60))
  .action(async (user, options) => exit(await runTotpReset(user, options)));

program
  .command('ui')
  .description('serve a live web view of a running domain: servers, Certificates views, propagation timeline, lag, console, link faults and the trust demo')
  .option(...dataOption)
  .addOption(natsOption())
  .option(...domainOption)
  .option('--host <address>', 'loopback address to listen on', '127.0.0.1')
  .option('--port <port>', 'TCP port to listen on (0: a free port)', parsePort, 0)
  .action(async (options) => exit(await runUi(options)));

program
  .command('demo')
  .description('run the MFA trust flow on a fresh domain and narrate it with propagation times')
  .option('--data <dir>', 'directory for the demo domain (default: a temporary directory, removed afterwards)', parseDirectory)
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
    .option('--node <number>', 'node number in a NATS cluster, 1 for the first', parsePositiveInteger, 1)
    .action(async (options) => exit(await runNatsControl(action, options)));
}

program
  .command('fault')
  .description(
    "set the fault on the link from one server to another: partition, latency 100ms, jitter 20ms (ms or s, at most 600s), drop 10%, duplicate 5%, reorder 10% (0% to 100%, or 0 to 1), or clear; '*' (quoted in the shell) stands for every server",
  )
  .argument('<from>', "server that sends, or '*'")
  .argument('<to>', "server that receives, or '*'")
  .argument('<fault...>', 'the fault, e.g. latency 100ms drop 5%')
  // A value such as -5ms must reach the fault check as a value, not be read as an option.
  .allowUnknownOption()
  .option(...dataOption)
  .addOption(natsOption())
  .option(...domainOption)
  .action(async (from, to, words, options) => exit(await runFault(from, to, words, options)));

program
  .command('heal')
  .description('clear every link fault in the domain')
  .option(...dataOption)
  .addOption(natsOption())
  .option(...domainOption)
  .action(async (options) => exit(await runFaultCommand('sim heal', options)));

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
  if (commanderCode === 'AUTHORIZATION_VIOLATION' || commanderCode === 'AUTHENTICATION_EXPIRED') {
    process.stderr.write('domsim: the NATS server rejected the login; set DOMSIM_NATS_USER and DOMSIM_NATS_PASSWORD to a login it accepts\n');
    process.exit(ExitCode.Failed);
  }
  process.stderr.write(`domsim: unexpected error: ${describeUnexpected(error)}\n`);
  process.exit(ExitCode.Failed);
});

/** Formats an error domsim did not expect as one line, or as its stack trace with DOMSIM_DEBUG=1. */
function describeUnexpected(error: unknown): string {
  if (DEBUG) return error instanceof Error ? (error.stack ?? error.message) : String(error);
  const message = error instanceof Error ? error.message : String(error);
  return `${message.split('\n')[0]} (rerun with DOMSIM_DEBUG=1 to print the stack trace)`;
}
