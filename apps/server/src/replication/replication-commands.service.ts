import { Inject, Injectable } from '@nestjs/common';

import { formatConsoleTime } from '@domsim/console';
import { deriveUnid, type DirectoryStore, Forms, NAMES_NSF, textItem } from '@domsim/directory';
import { abbreviate, InvalidNameError, nameKey, parseName, toCanonical } from '@domsim/names';
import {
  formatInterval,
  formatWindow,
  InvalidConnectionError,
  type JobMode,
  parseInterval,
  parseReplicationType,
  parseWindow,
  readConnection,
} from '@domsim/replication';

import { CommandFailure } from '../console/command-failure';
import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { DomainDirectoryService } from '../directory/domain-directory.service';
import { jobLines, jobSucceeded } from './replication-lines';
import { ReplicationService } from './replication.service';

/** The console's replication commands: replicate, pull, push, show schedule and sim connection. */
@Injectable()
export class ReplicationCommandsService {
  constructor(
    private readonly replication: ReplicationService,
    private readonly directory: DomainDirectoryService,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
  ) {}

  /**
   * Replicates with a server now, through the Replicator's queue, and returns its lines.
   *
   * @throws CommandFailure for a server name that is not hierarchical or not in the directory, an unknown database, or a failed replication.
   */
  async replicate(mode: JobMode, server: string, database: string | undefined): Promise<string[]> {
    const partner = this.resolveServer(server);
    if (database !== undefined && this.store.findReplica(database) === undefined) {
      const hosted = this.store.replicas().map((replica) => replica.info.path).join(', ');
      throw new CommandFailure('UNKNOWN_DATABASE', [`Database ${database} is not on this server; it holds ${hosted}`]);
    }

    const result = await this.replication.replicateNow({ partner, mode, databases: database === undefined ? [] : [database] });
    const lines = jobLines(result);
    if (!jobSucceeded(result)) throw new CommandFailure('REPLICATION_FAILED', lines);
    return lines;
  }

  /** Lines of `show schedule`: this server's Connection documents and when each runs next. */
  showSchedule(): string[] {
    const connections = this.replication.scheduler.connections();
    if (connections.length === 0) return ['No replication is scheduled: no enabled Connection document has this server as its source'];
    const rows = connections.map(({ schedule, nextRunAt }) => {
      const next = nextRunAt === undefined ? 'disabled' : formatConsoleTime(new Date(nextRunAt));
      const databases = schedule.databases.length === 0 ? 'all databases' : schedule.databases.join(', ');
      return `Replicator  ${abbreviate(schedule.destination)}  ${schedule.type} every ${formatInterval(schedule.intervalSeconds)}, ${formatWindow(schedule.windowStart, schedule.windowEnd)}, ${databases}  next ${next}`;
    });
    return [`Activity: ${this.replication.replicator.activity()}`, ...rows];
  }

  /**
   * Creates or changes the Connection document from this server to a destination, saved to
   * names.nsf like an edit in the Domino Administrator, so it replicates and the schedule
   * changes without a restart.
   */
  connection(destination: string, typeOrAction: string, interval: string | undefined, window: string | undefined): string[] {
    const partner = this.resolveServer(destination);
    const names = this.store.replica(NAMES_NSF);
    const unid = deriveUnid('connection', nameKey(this.directory.serverName), nameKey(partner));
    const current = names.note(unid);
    const action = typeOrAction.toLowerCase();

    let items: Record<string, string | string[]>;
    try {
      if (action === 'disable' || action === 'enable') {
        if (current === undefined) throw new CommandFailure('UNKNOWN_CONNECTION', [`There is no Connection document from this server to ${abbreviate(partner)}; create one with a type first`]);
        items = { ...(current.items as Record<string, string | string[]>), Enabled: action === 'enable' ? '1' : '0' };
      } else {
        const type = parseReplicationType(typeOrAction);
        const seconds = parseInterval(interval ?? (current === undefined ? '60m' : textItem(current.items, 'Interval')));
        const span = parseWindow(window ?? (current === undefined ? '00:00-24:00' : textItem(current.items, 'Window') || '00:00-24:00'));
        items = {
          Source: this.directory.serverName,
          Destination: partner,
          RepType: type,
          Interval: formatInterval(seconds),
          Window: formatWindow(span.start, span.end),
          Databases: current === undefined ? [] : (current.items.Databases as string[] | undefined) ?? [],
          Enabled: '1',
        };
      }
    } catch (error) {
      if (error instanceof InvalidConnectionError) throw new CommandFailure(error.code, [`Invalid Connection document: ${error.message}`]);
      throw error;
    }

    this.store.save(NAMES_NSF, [current === undefined ? { kind: 'create', unid, form: Forms.Connection, items } : { kind: 'update', unid, items }]);
    const saved = readConnection({ ...(names.note(unid) as NonNullable<typeof current>) });
    const state = saved.enabled ? `${saved.type} every ${formatInterval(saved.intervalSeconds)}, ${formatWindow(saved.windowStart, saved.windowEnd)}` : 'disabled';
    return [`Connection document ${current === undefined ? 'created' : 'updated'}: ${abbreviate(saved.source)} to ${abbreviate(saved.destination)}, ${state}`];
  }

  /** A full hierarchical server name of the domain, other than this server. */
  private resolveServer(typed: string): string {
    let canonical: string;
    try {
      const name = parseName(typed);
      if (name.common === undefined) throw new InvalidNameError(typed, 'it names a certifier, not a server');
      canonical = toCanonical(name);
    } catch (error) {
      if (!(error instanceof InvalidNameError)) throw error;
      throw new CommandFailure('INVALID_SERVER_NAME', [`Server name ${typed} is not a full hierarchical name (${error.reason}); give it as server/organization, e.g. server1/renovations`]);
    }
    if (nameKey(canonical) === nameKey(this.directory.serverName)) {
      throw new CommandFailure('INVALID_SERVER_NAME', [`${abbreviate(canonical)} is this server; name another server to replicate with`]);
    }
    const known = this.directory.serverNames();
    const match = known.find((server) => nameKey(server) === nameKey(canonical));
    if (match === undefined) {
      throw new CommandFailure('UNKNOWN_SERVER', [`Server ${typed} is not in the directory of this server; its servers are ${known.map((server) => abbreviate(server)).join(', ')}`]);
    }
    return match;
  }
}
