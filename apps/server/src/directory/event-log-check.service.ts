import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

import type { Revision } from '@domsim/directory';
import type { SqliteEventLog } from '@domsim/event-log';

import { CommandFailure } from '../console/command-failure';
import { ConsoleOutputService } from '../console/console-output.service';
import { EVENT_LOG } from '../tokens';

/** Reports how the event log came through the last stop, and checks it on request (`sim check log`). */
@Injectable()
export class EventLogCheckService implements OnApplicationBootstrap {
  private readonly logger = new Logger('EventLog');

  constructor(
    @Inject(EVENT_LOG) private readonly log: SqliteEventLog<Revision>,
    private readonly output: ConsoleOutputService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.log.tornTailBytes === 0) return;
    const message = `Event log recovered: ${this.log.tornTailBytes} bytes of an incomplete write at the end of ${this.log.file}-wal were discarded; every acknowledged event is intact`;
    this.logger.warn(message);
    this.output.print([message]);
  }

  /** @throws CommandFailure listing the problems when the log is not sound. */
  check(): string[] {
    const started = Date.now();
    const problems = this.log.verify();
    if (problems.length > 0) throw new CommandFailure('LOG_DAMAGED', [`Event log ${this.log.file} has ${problems.length} problems:`, ...problems.slice(0, 20)]);
    return [`Event log ${this.log.file} is sound: ${this.log.size()} records, integrity check ok, counters unbroken (${Date.now() - started} ms)`];
  }
}
