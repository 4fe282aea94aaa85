import { Inject, Injectable } from '@nestjs/common';

import type { ViewReply } from '@domsim/client';
import { type DirectoryStore, findView, NAMES_VIEWS, renderView } from '@domsim/directory';

import { DIRECTORY_STORE } from '../directory/directory.tokens';

/** A view that cannot be shown: unknown database or view. */
export class ViewNotFoundError extends Error {
  readonly code = 'VIEW_NOT_FOUND';

  constructor(message: string) {
    super(message);
    this.name = 'ViewNotFoundError';
  }
}

@Injectable()
export class ViewsService {
  constructor(@Inject(DIRECTORY_STORE) private readonly store: DirectoryStore) {}

  /** @throws ViewNotFoundError naming the database or view and what exists instead. */
  render(database: string, viewName: string): ViewReply {
    const replica = this.store.findReplica(database);
    if (replica === undefined) {
      const hosted = this.store.replicas().map((candidate) => candidate.info.path).join(', ');
      throw new ViewNotFoundError(`Database ${database} is not on server ${this.store.server}; it hosts ${hosted}`);
    }
    const view = findView(NAMES_VIEWS, replica.info.path, viewName);
    if (view === undefined) {
      const names = NAMES_VIEWS.filter((candidate) => candidate.database.toLowerCase() === replica.info.path.toLowerCase()).map((candidate) => candidate.name);
      const known = names.length > 0 ? `views of ${replica.info.path}: ${names.join(', ')}` : `${replica.info.path} has no views in domsim`;
      throw new ViewNotFoundError(`View ${viewName} not found in ${replica.info.path}; ${known}`);
    }
    return {
      server: this.store.server,
      database: replica.info.path,
      replicaId: replica.replicaId,
      view: view.name,
      columns: view.columns.map((column) => column.title),
      rows: renderView(view, replica),
    };
  }
}
