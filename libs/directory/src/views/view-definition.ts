import { sameDatabasePath } from '../database-path';
import type { Note, ReplicaState } from '../replica-state';

export interface ViewColumn {
  readonly title: string;
  readonly value: (note: Note) => string;
}

/** A view: which documents it selects, its columns, and the column values it sorts by. */
export interface ViewDefinition {
  readonly name: string;
  readonly aliases: readonly string[];
  /** The database the view belongs to, e.g. `names.nsf`. */
  readonly database: string;
  /** The forms the view selects from; the view reads only those notes. */
  readonly forms: readonly string[];
  readonly selects: (note: Note) => boolean;
  readonly columns: readonly ViewColumn[];
  /** Number of leading columns the rows are sorted by. */
  readonly sortColumns: number;
}

export interface ViewRow {
  readonly unid: string;
  /** True for a "Replication or Save Conflict" document, listed after the document it lost to. */
  readonly conflict: boolean;
  readonly values: Readonly<Record<string, string>>;
}

/** Builds a view's rows from a replica's visible documents. */
export function renderView(view: ViewDefinition, replica: ReplicaState): ViewRow[] {
  const main: Array<{ note: Note; values: Record<string, string> }> = [];
  const conflicts = new Map<string, Array<{ note: Note; values: Record<string, string> }>>();

  for (const note of replica.documentsOfForms(view.forms)) {
    if (!view.selects(note)) continue;
    const values = Object.fromEntries(view.columns.map((column) => [column.title, column.value(note)]));
    if (note.conflictOf === undefined) {
      main.push({ note, values });
    } else {
      const list = conflicts.get(note.conflictOf) ?? [];
      list.push({ note, values });
      conflicts.set(note.conflictOf, list);
    }
  }

  const sortTitles = view.columns.slice(0, view.sortColumns).map((column) => column.title);
  const compare = (a: Record<string, string>, b: Record<string, string>): number => {
    for (const title of sortTitles) {
      const order = a[title].localeCompare(b[title], 'en', { sensitivity: 'base' });
      if (order !== 0) return order;
    }
    return 0;
  };
  main.sort((a, b) => compare(a.values, b.values) || a.note.unid.localeCompare(b.note.unid));

  const rows: ViewRow[] = [];
  for (const entry of main) {
    rows.push({ unid: entry.note.unid, conflict: false, values: entry.values });
    const losers = (conflicts.get(entry.note.unid) ?? []).sort((a, b) => a.note.unid.localeCompare(b.note.unid));
    for (const loser of losers) rows.push({ unid: loser.note.unid, conflict: true, values: loser.values });
  }
  return rows;
}

/** Finds a view by name or alias, without regard to case, among the views of a database. */
export function findView(views: readonly ViewDefinition[], database: string, name: string): ViewDefinition | undefined {
  const wanted = name.trim().toLowerCase();
  return views.find(
    (view) =>
      sameDatabasePath(view.database, database) &&
      (view.name.toLowerCase() === wanted || view.aliases.some((alias) => alias.toLowerCase() === wanted)),
  );
}
