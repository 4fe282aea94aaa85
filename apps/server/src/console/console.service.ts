import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';

import type { ConsoleReply } from '@domsim/client';
import { type CommandId, ConsoleInputError, dominoCommandRegistry, DOMINO_COMMANDS, helpLines, maskSecrets, type SealedCommand, syntaxOf, unsealCommand } from '@domsim/console';
import type { DirectoryStore } from '@domsim/directory';
import { MfaTrustError } from '@domsim/id-vault';
import { TotpError } from '@domsim/mfa';

import type { ServerRuntime } from '../config/server-runtime';
import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { EventLogCheckService } from '../directory/event-log-check.service';
import { IdVaultService } from '../id-vault/id-vault.service';
import { ServerControlService } from '../status/server-control.service';
import { showReplicaLines, showServerLines, showTasksLines } from '../status/server-info';
import { StatisticsService } from '../status/statistics.service';
import { ServerStatusService } from '../status/server-status.service';
import { SERVER_RUNTIME } from '../tokens';
import { FaultService } from '../replication/fault.service';
import { ReplicationCommandsService } from '../replication/replication-commands.service';
import { WorkloadService } from '../replication/workload.service';
import { ReplicationService } from '../replication/replication.service';
import { CommandFailure } from './command-failure';
import { VaultTotpService } from '../web-login/vault-totp.service';
import { ConsoleKeyService } from './console-key.service';
import { ConsoleOutputService, ConsoleTasks } from './console-output.service';

type Handler = (args: Readonly<Record<string, string>>) => string[] | Promise<string[]>;

/** Runs console commands: parse, mask, dispatch, print. */
@Injectable()
export class ConsoleService {
  private readonly logger = new Logger('Console');
  private readonly registry = dominoCommandRegistry();
  private readonly handlers: Record<CommandId, Handler>;

  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    private readonly output: ConsoleOutputService,
    private readonly status: ServerStatusService,
    private readonly idVault: IdVaultService,
    private readonly keys: ConsoleKeyService,
    private readonly statistics: StatisticsService,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
    private readonly replication: ReplicationService,
    private readonly replicationCommands: ReplicationCommandsService,
    private readonly faults: FaultService,
    private readonly workload: WorkloadService,
    private readonly vaultTotp: VaultTotpService,
    private readonly logCheck: EventLogCheckService,
    private readonly serverControl: ServerControlService,
  ) {
    this.handlers = {
      help: (args) => this.help(args.command),
      'show-idvault': () => this.idVault.showIdVault(),
      'show-server': () => showServerLines(this.runtime, this.status, this.replication.replicator.activity()),
      'show-tasks': () => showTasksLines(this.runtime, this.status, this.replication.replicator.activity()),
      'show-stat': (args) => this.statistics.showStatLines(args.statistic),
      'show-schedule': () => this.replicationCommands.showSchedule(),
      replicate: (args) => this.replicationCommands.replicate('pull-push', args.server, args.database),
      pull: (args) => this.replicationCommands.replicate('pull-only', args.server, args.database),
      push: (args) => this.replicationCommands.replicate('push-only', args.server, args.database),
      'sim-show-replicas': () => showReplicaLines(this.store),
      'sim-connection': (args) => this.replicationCommands.connection(args['destination server'], args.type, args.interval, args.window),
      'sim-fault': (args) => this.faults.setFault(args['from server'], args['to server'], args.fault),
      'sim-show-faults': () => this.faults.showFaults(),
      'sim-heal': () => this.faults.heal(),
      'sim-workload': (args) => this.workload.run(args.operations, args.seed),
      'sim-check-log': () => this.logCheck.check(),
      'sim-server-stop': (args) => this.serverControl.control('stop', args.server),
      'sim-server-kill': (args) => this.serverControl.control('kill', args.server),
      'sim-write': (args) => this.workload.write(args.documents, args.batch),
      'mfamgmt-create-trustcert': (args) =>
        this.idVault.createMfaTrust({ pattern: args['OU or O to allow'], idFile: args['certifier ID file'], password: args['certifier password'] }),
      'sim-totp-reset': (args) => this.vaultTotp.resetUser(args.user),
    };
  }

  /**
   * Runs a command that came over NATS or HTTP: its secrets, if any, were sealed for this
   * server's console key.
   */
  async runSealed(command: SealedCommand, requestId: string = randomUUID()): Promise<ConsoleReply> {
    let line: string;
    try {
      line = unsealCommand(command, this.keys.privateKeyPem);
    } catch (error) {
      if (!(error instanceof ConsoleInputError)) throw error;
      const echo = this.output.echo(maskSecrets(command.command, this.registry), requestId);
      return { ok: false, echo, lines: this.output.print([error.message], ConsoleTasks.Console, requestId), code: error.code };
    }
    return this.run(line, requestId);
  }

  /** Runs one command line as typed at the console and prints it with its output. */
  async run(commandLine: string, requestId: string = randomUUID()): Promise<ConsoleReply> {
    const masked = maskSecrets(commandLine, this.registry);
    const echo = this.output.echo(masked, requestId);
    this.logger.log(`Console command: ${masked}`);
    this.status.countTransaction();

    let text: string[];
    let ok = true;
    let code: string | undefined;
    try {
      const command = this.registry.resolve(commandLine);
      text = await this.handlers[command.spec.id](command.args);
    } catch (error) {
      ok = false;
      if (error instanceof ConsoleInputError || error instanceof MfaTrustError || error instanceof TotpError) {
        code = error.code;
        text = [error.message];
      } else if (error instanceof CommandFailure) {
        code = error.code;
        text = [...error.lines];
      } else {
        code = 'INTERNAL_ERROR';
        this.logger.error(`Console command failed: ${masked}`, error instanceof Error ? error.stack : String(error));
        text = [`Error: the command failed inside the server (${error instanceof Error ? error.name : 'unknown error'}); see the server log`];
      }
    }

    const lines = this.output.print(text, ConsoleTasks.Console, requestId);
    return code === undefined ? { ok, echo, lines } : { ok, echo, lines, code };
  }

  private help(command: string | undefined): string[] {
    if (command === undefined) return helpLines(DOMINO_COMMANDS);
    const wanted = command.toLowerCase();
    const matches = DOMINO_COMMANDS.filter((spec) => spec.keywords.join(' ').startsWith(wanted) || spec.keywords[0].startsWith(wanted));
    if (matches.length === 0) throw new ConsoleInputError('UNKNOWN_COMMAND', `Unknown command: ${command}; type help to list the commands`);
    return matches.map((spec) => `${syntaxOf(spec)}  ${spec.summary}`);
  }
}
