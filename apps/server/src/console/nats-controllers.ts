import { Controller, Inject, type Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';

import type { ConsoleReply, HealthReply, NotesReply, ViewRequestReply } from '@domsim/client';
import type { DirectoryStore } from '@domsim/directory';
import type { DomainSubjects } from '@domsim/replication';

import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { HealthService } from '../health/health.service';
import { ViewNotFoundError, ViewsService } from '../views/views.service';
import { ConsoleService } from './console.service';
import { consoleRequestSchema } from './console-request';

const notesRequestSchema = z.strictObject({ database: z.string().min(1).max(512) });

const viewRequestSchema = z.strictObject({
  database: z.string().min(1).max(512),
  view: z.string().min(1).max(256),
});

/**
 * Builds the NATS request/reply controllers of one server. Their subjects contain the
 * server's name, which is known only at start, so the classes are made per server.
 */
export function natsControllersFor(subjects: DomainSubjects, server: string): Type<unknown>[] {
  @Controller()
  class ConsoleNatsController {
    constructor(private readonly console: ConsoleService) {}

    @MessagePattern(subjects.console(server))
    run(@Payload() payload: unknown): Promise<ConsoleReply> | ConsoleReply {
      const request = consoleRequestSchema.safeParse(payload);
      if (!request.success) {
        const issue = request.error.issues[0];
        return { ok: false, echo: '', lines: [`Invalid console request: ${issue.path.join('.') || 'request'}: ${issue.message}; send {"command": "..."}`], code: 'INVALID_REQUEST' };
      }
      return this.console.runSealed(request.data, request.data.requestId);
    }
  }

  @Controller()
  class ViewNatsController {
    constructor(private readonly views: ViewsService) {}

    @MessagePattern(subjects.view(server))
    get(@Payload() payload: unknown): ViewRequestReply {
      const request = viewRequestSchema.safeParse(payload);
      if (!request.success) return { ok: false, code: 'INVALID_REQUEST', error: 'send {"database": "names.nsf", "view": "Certificates"}' };
      try {
        return { ok: true, view: this.views.render(request.data.database, request.data.view) };
      } catch (error) {
        if (error instanceof ViewNotFoundError) return { ok: false, code: error.code, error: error.message };
        throw error;
      }
    }
  }

  @Controller()
  class NotesNatsController {
    constructor(@Inject(DIRECTORY_STORE) private readonly store: DirectoryStore) {}

    @MessagePattern(subjects.notes(server))
    get(@Payload() payload: unknown): NotesReply {
      const request = notesRequestSchema.safeParse(payload);
      if (!request.success) return { ok: false, error: 'send {"database": "names.nsf"}' };
      const replica = this.store.findReplica(request.data.database);
      if (replica === undefined) return { ok: false, error: `Database ${request.data.database} is not on server ${server}` };
      return { ok: true, server, replicaId: replica.replicaId, path: replica.info.path, notes: replica.summaries() };
    }
  }

  @Controller()
  class HealthNatsController {
    constructor(private readonly health: HealthService) {}

    @MessagePattern(subjects.health(server))
    get(): HealthReply {
      return this.health.health();
    }
  }

  return [ConsoleNatsController, ViewNatsController, NotesNatsController, HealthNatsController];
}
