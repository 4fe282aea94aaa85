import { Inject, Injectable } from '@nestjs/common';

import { ConsoleInputError } from '@domsim/console';
import type { DirectoryStore } from '@domsim/directory';

import type { ServerRuntime } from '../config/server-runtime';
import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { ReplicationService } from '../replication/replication.service';
import { SERVER_RUNTIME } from '../tokens';
import { DOMSIM_VERSION } from './server-info';
import { ServerStatusService } from './server-status.service';

export type StatisticValue = string | number;

/**
 * The server's statistics as `show stat` lists them, named after Domino's where Domino has
 * one (`Replica.Cluster.*`, `Replica.*`, `Server.*`); domsim's own are under `Domsim.`.
 */
@Injectable()
export class StatisticsService {
  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
    private readonly status: ServerStatusService,
    private readonly replication: ReplicationService,
  ) {}

  statistics(): Map<string, StatisticValue> {
    const replication = this.replication.replicator.stats();
    const { cluster, pulled } = replication;
    const entries: Array<[string, StatisticValue]> = [
      ['Server.Name', this.runtime.setup.server],
      ['Server.Domain', this.runtime.setup.domain],
      ['Server.Title', this.runtime.setup.title],
      ['Server.Version.Domsim', DOMSIM_VERSION],
      ['Server.ElapsedTime', Math.floor(this.status.elapsedMs() / 1000)],
      ['Server.Trans.Total', this.status.transactionCount()],
      ['Database.Replicas', this.store.replicas().length],
      ['Replica.Cluster.SecondsOnQueue', cluster.secondsOnQueue],
      ['Replica.Cluster.SecondsOnQueue.Avg', cluster.secondsOnQueueAvg],
      ['Replica.Cluster.SecondsOnQueue.Max', cluster.secondsOnQueueMax],
      ['Replica.Cluster.Docs.Added', cluster.added],
      ['Replica.Cluster.Docs.Updated', cluster.updated],
      ['Replica.Cluster.Docs.Deleted', cluster.deleted],
      ['Replica.Cluster.Successful', cluster.successful],
      ['Replica.Cluster.Failed', cluster.failed],
      ['Replica.Cluster.Retry.Waiting', replication.pullsWaiting],
      ['Replica.Docs.Added', pulled.added],
      ['Replica.Docs.Updated', pulled.updated],
      ['Replica.Docs.Deleted', pulled.deleted],
      ['Replica.Successful', pulled.successful],
      ['Replica.Failed', pulled.failed],
      ['Domsim.Replication.Revisions.Pushed', replication.revisionsPushed],
      ['Domsim.Replication.Revisions.Rejected', replication.revisionsRejected],
      ['Domsim.Replication.Messages.Rejected', replication.messagesRejected],
    ];
    for (const replica of this.store.replicas()) {
      entries.push([`Domsim.Database.${replica.info.path}.Notes`, replica.noteCount()]);
    }
    return new Map(entries.sort(([a], [b]) => a.localeCompare(b)));
  }

  /**
   * Lines of `show stat [name]`: every statistic, or those matching a name, a prefix or a
   * pattern with `*` such as `Replica.Cluster.*`.
   *
   * @throws ConsoleInputError when nothing matches.
   */
  showStatLines(filter: string | undefined): string[] {
    const all = this.statistics();
    const matches = filter === undefined ? [...all] : [...all].filter(([name]) => matchesStatistic(name, filter));
    if (matches.length === 0) {
      throw new ConsoleInputError('UNKNOWN_STATISTIC', `Statistic ${filter} not found; show stat lists them all, and Replica.* selects a group`);
    }
    return matches.map(([name, value]) => `${name} = ${formatValue(value)}`);
  }
}

function matchesStatistic(name: string, filter: string): boolean {
  const wanted = filter.toLowerCase();
  const candidate = name.toLowerCase();
  if (!wanted.includes('*')) return candidate === wanted || candidate.startsWith(`${wanted}.`);
  const pattern = new RegExp(`^${wanted.split('*').map(escapeRegExp).join('.*')}$`);
  return pattern.test(candidate);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function formatValue(value: StatisticValue): string {
  if (typeof value === 'string') return value;
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}
