import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';

import type { ConsoleReply } from '@domsim/client';
import { type CommandId, ConsoleInputError, dominoCommandRegistry, DOMINO_COMMANDS, helpLines, maskSecrets, syntaxOf } from '@domsim/console';
import { MfaTrustError } from '@domsim/id-vault';

import type { ServerRuntime } from '../config/server-runtime';
import { IdVaultService } from '../id-vault/id-vault.service';
import { showServerLines, showTasksLines } from '../status/server-info';
import { ServerStatusService } from '../status/server-status.service';
import { SERVER_RUNTIME } from '../tokens';
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
  ) {
    this.handlers = {
      help: (args) => this.help(args.command),
      'show-idvault': () => this.idVault.showIdVault(),
      'show-server': () => showServerLines(this.runtime, this.status),
      'show-tasks': () => showTasksLines(this.runtime, this.status),
      'mfamgmt-create-trustcert': (args) =>
        this.idVault.createMfaTrust({ pattern: args['OU or O to allow'], idFile: args['certifier ID file'], password: args['certifier password'] }),
    };
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
      if (error instanceof ConsoleInputError || error instanceof MfaTrustError) {
        code = error.code;
        text = [error.message];
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
