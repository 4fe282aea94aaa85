import type { DatabaseResult, JobResult, SessionCounts } from '@domsim/replication';
import { abbreviate } from '@domsim/names';

/** The console lines of one replication job, as the Replicator task prints them. */
export function jobLines(result: JobResult): string[] {
  const partner = abbreviate(result.job.partner);
  if (result.error !== undefined) return [`Unable to replicate with server ${partner}: ${result.error}`];

  const lines = [`Starting replication with server ${partner}`];
  const total = { added: 0, updated: 0, deleted: 0 };
  for (const database of result.databases) {
    lines.push(...databaseLines(partner, database));
    for (const counts of [database.pulled, database.pushed]) {
      if (counts === undefined) continue;
      total.added += counts.added;
      total.updated += counts.updated;
      total.deleted += counts.deleted;
    }
  }
  if (result.databases.length === 0) lines.push(`No databases in common with server ${partner}`);
  const failed = result.databases.filter((database) => database.error !== undefined).length;
  const outcome = failed === 0 ? '' : ` (${failed} of ${result.databases.length} databases failed)`;
  lines.push(`Finished replication with server ${partner}: ${describe(total)}${outcome}`);
  return lines;
}

/** True when every database of the job replicated. */
export function jobSucceeded(result: JobResult): boolean {
  return result.error === undefined && result.databases.every((database) => database.error === undefined);
}

function databaseLines(partner: string, database: DatabaseResult): string[] {
  const lines: string[] = [];
  if (database.pulled !== undefined) lines.push(`Pulled ${database.path} from ${partner}: ${describe(database.pulled)}`);
  if (database.pushed !== undefined) lines.push(`Pushed ${database.path} to ${partner}: ${describe(database.pushed)}`);
  if (database.error !== undefined) lines.push(`Replication of ${database.path} with ${partner} failed: ${database.error}`);
  return lines;
}

function describe(counts: SessionCounts): string {
  return `${counts.added} notes added, ${counts.updated} updated, ${counts.deleted} deleted`;
}
