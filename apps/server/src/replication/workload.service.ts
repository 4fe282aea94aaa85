import { Inject, Injectable } from '@nestjs/common';

import { type DirectoryStore, NAMES_NSF, type NoteChange } from '@domsim/directory';
import { seededRandom } from '@domsim/replication';

import { CommandFailure } from '../console/command-failure';
import { DIRECTORY_STORE } from '../directory/directory.tokens';

/** Form of the documents `sim workload` writes; no Domino view selects it. */
export const SIM_NOTE_FORM = 'SimNote';
const MAX_OPERATIONS = 100_000;
const MAX_DOCUMENTS = 10_000_000;
const DEFAULT_BATCH = 500;

/**
 * `sim workload N [seed]`: N saves to test documents, as users editing the directory would
 * make them: about half create a document, a third edit one and the rest delete one. Each
 * save is its own durable revision, so a crash mid-way keeps every save reported before it.
 */
@Injectable()
export class WorkloadService {
  constructor(@Inject(DIRECTORY_STORE) private readonly store: DirectoryStore) {}

  run(operations: string, seed: string | undefined): string[] {
    const count = Number(operations);
    if (!Number.isInteger(count) || count < 1 || count > MAX_OPERATIONS) {
      throw new CommandFailure('INVALID_ARGUMENT', [`Invalid number of operations "${operations}": give a whole number from 1 to ${MAX_OPERATIONS}`]);
    }
    const seedValue = seed === undefined ? Date.now() : Number(seed);
    if (!Number.isSafeInteger(seedValue) || seedValue < 0) throw new CommandFailure('INVALID_ARGUMENT', [`Invalid seed "${seed}": give a whole number`]);

    const random = seededRandom(seedValue);
    const replica = this.store.replica(NAMES_NSF);
    const counts = { created: 0, edited: 0, deleted: 0 };
    for (let index = 0; index < count; index += 1) {
      const live = [...replica.documentsOfForm(SIM_NOTE_FORM)];
      const roll = random();
      let change: NoteChange;
      if (live.length === 0 || roll < 0.5) {
        change = { kind: 'create', form: SIM_NOTE_FORM, items: { Subject: `note ${seedValue}-${index}`, Body: String(random()) } };
        counts.created += 1;
      } else if (roll < 0.85) {
        const note = live[Math.floor(random() * live.length)];
        change = { kind: 'update', unid: note.unid, items: { ...note.items, Body: String(random()) } };
        counts.edited += 1;
      } else {
        change = { kind: 'delete', unid: live[Math.floor(random() * live.length)].unid };
        counts.deleted += 1;
      }
      this.store.save(NAMES_NSF, [change]);
    }
    const last = this.store.versionVector(replica.replicaId)[this.store.server] ?? 0;
    return [`Workload of ${count} saves (seed ${seedValue}): ${counts.created} created, ${counts.edited} edited, ${counts.deleted} deleted; last counter ${last}`];
  }

  /**
   * `sim write N [batch]`: creates N test documents, `batch` per transaction, as fast as the
   * log allows. Each batch is one durable append and one push to the cluster.
   */
  async write(documents: string, batch: string | undefined): Promise<string[]> {
    const count = Number(documents);
    const size = batch === undefined ? DEFAULT_BATCH : Number(batch);
    if (!Number.isInteger(count) || count < 1 || count > MAX_DOCUMENTS) {
      throw new CommandFailure('INVALID_ARGUMENT', [`Invalid number of documents "${documents}": give a whole number from 1 to ${MAX_DOCUMENTS}`]);
    }
    if (!Number.isInteger(size) || size < 1 || size > 10_000) throw new CommandFailure('INVALID_ARGUMENT', [`Invalid batch "${batch}": give a whole number from 1 to 10000`]);

    const started = performance.now();
    for (let written = 0; written < count; written += size) {
      const changes = Array.from({ length: Math.min(size, count - written) }, (_unused, index): NoteChange => ({
        kind: 'create',
        form: SIM_NOTE_FORM,
        items: { Subject: `load ${written + index}`, Body: 'x'.repeat(64) },
      }));
      this.store.save(NAMES_NSF, changes);
      // Lets the replicator push this batch before the next one is written.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const seconds = (performance.now() - started) / 1000;
    const last = this.store.versionVector(this.store.replica(NAMES_NSF).replicaId)[this.store.server] ?? 0;
    return [`Wrote ${count} documents in ${seconds.toFixed(3)} s (${Math.round(count / seconds)} per second); last counter ${last}`];
  }
}
