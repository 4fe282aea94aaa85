import type { Msg } from 'nats';

import type { DirectoryStore } from '@domsim/directory';

import {
  acceptRequestSchema,
  decodeMessage,
  encodeMessage,
  pullFromMeRequestSchema,
  pullRequestSchema,
  vectorRequestSchema,
} from './messages';
import type { LinkGate } from './faults/link-gate';
import type { ReplicationDirectory } from './replication-directory';
import { encodeWithRevisions, type ReceiveRevisions, revisionsMissingFrom } from './replication-sessions';
import { countRevisions, emptyCounts, type SessionCounts } from './session-counts';

export interface ResponderContext {
  readonly store: DirectoryStore;
  readonly server: string;
  readonly directory: ReplicationDirectory;
  readonly receive: ReceiveRevisions;
  /** Runs a pull session from a partner on its request (pull-pull). */
  readonly pullFrom: (partner: string, replicaId: string) => Promise<SessionCounts>;
  /** Records a message that was not a valid request. */
  readonly rejectMessage: (kind: string, reason: string) => void;
  /** Records that a partner pulled from or pushed to this server. */
  readonly served: (partner: string, replicaId: string, revisions: number) => void;
  /** Called for every valid request, with the partner that sent it. */
  readonly heardFrom?: (partner: string) => void;
  /** Faults on the links into this server: a request a link drops is never answered. */
  readonly gate: LinkGate;
}

type Checked<T> = { ok: true; request: T } | { ok: false };

/**
 * Answers partners' replication requests: pull (send what they lack), vector, accept
 * (store what they push) and pull-from-me. Every request is validated, and a partner that
 * may not replicate the replica with this server gets an error reply.
 */
export class ReplicationResponder {
  constructor(private readonly context: ResponderContext) {}

  answerPull(msg: Msg): void {
    const checked = this.check(msg, pullRequestSchema, 'pull request');
    if (!checked.ok) return;
    const { request } = checked;
    this.deliver(msg, request.from, () => this.sendMissing(msg, request));
  }

  private sendMissing(msg: Msg, request: { from: string; replicaId: string; vector: Record<string, number>; limit: number }): void {
    const { json, more } = revisionsMissingFrom(this.context.store, request.replicaId, request.vector, request.limit);
    msg.respond(encodeWithRevisions({ v: 1, more }, json));
    this.context.served(request.from, request.replicaId, json.length);
  }

  answerVector(msg: Msg): void {
    const checked = this.check(msg, vectorRequestSchema, 'vector request');
    if (!checked.ok) return;
    const { request } = checked;
    this.deliver(msg, request.from, () => msg.respond(encodeMessage({ v: 1, vector: this.context.store.versionVector(request.replicaId) })));
  }

  answerAccept(msg: Msg): void {
    const checked = this.check(msg, acceptRequestSchema, 'accept request');
    if (!checked.ok) return;
    const { request } = checked;
    this.deliver(msg, request.from, () => this.storePushed(msg, request));
  }

  private storePushed(msg: Msg, request: { from: string; replicaId: string; revisions: unknown[] }): void {
    const result = this.context.receive(request.from, request.replicaId, request.revisions, 'pull');
    const counts = countRevisions(emptyCounts(), result.applied);
    msg.respond(
      encodeMessage({
        v: 1,
        applied: result.applied.length + result.duplicates,
        rejected: result.rejected.length,
        ...counts,
        vector: this.context.store.versionVector(request.replicaId),
      }),
    );
  }

  answerPullFromMe(msg: Msg): void {
    const checked = this.check(msg, pullFromMeRequestSchema, 'pull-from-me request');
    if (!checked.ok) return;
    const { request } = checked;
    this.deliver(msg, request.from, () => this.pullOnRequest(msg, request));
  }

  private pullOnRequest(msg: Msg, request: { from: string; replicaId: string }): void {
    this.context.pullFrom(request.from, request.replicaId).then(
      (counts) => msg.respond(encodeMessage({ v: 1, ...counts })),
      (error: unknown) => msg.respond(encodeMessage({ v: 1, error: `${this.context.server} could not pull from ${request.from}: ${(error as Error).message}` })),
    );
  }

  /** Runs a handler that may run later, off the subscription: an error becomes an error reply. */
  private guarded(msg: Msg, handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.context.rejectMessage('request', error instanceof Error ? error.message : String(error));
      msg.respond(encodeMessage({ v: 1, error: `${this.context.server} could not handle the request` }));
    }
  }

  /** Passes a valid request through the link faults, then notes that its sender is alive and handles it. */
  private deliver(msg: Msg, from: string, handler: () => void): void {
    this.context.gate.deliver(from, () =>
      this.guarded(msg, () => {
        this.context.heardFrom?.(from);
        handler();
      }),
    );
  }

  private check<T extends { from: string; replicaId: string }>(msg: Msg, schema: Parameters<typeof decodeMessage<T>>[1], kind: string): Checked<T> {
    const decoded = decodeMessage(msg.data, schema);
    if (!decoded.ok) {
      this.context.rejectMessage(kind, decoded.reason);
      msg.respond(encodeMessage({ v: 1, error: `invalid ${kind}: ${decoded.reason}` }));
      return { ok: false };
    }
    const request = decoded.value;
    const replica = this.context.store.findReplica(request.replicaId);
    if (replica === undefined) {
      msg.respond(encodeMessage({ v: 1, error: `${this.context.server} hosts no replica ${request.replicaId}` }));
      return { ok: false };
    }
    if (!this.context.directory.mayReplicate(request.replicaId, request.from)) {
      msg.respond(encodeMessage({ v: 1, error: `${request.from} may not replicate ${replica.info.path} with ${this.context.server}` }));
      return { ok: false };
    }
    return { ok: true, request };
  }
}
