import type { NatsConnection } from 'nats';

import type { DirectoryStore, ReceiveResult, Revision } from '@domsim/directory';
import type { VersionVector } from '@domsim/event-log';
import { abbreviate } from '@domsim/names';

import {
  acceptReplySchema,
  decodeMessage,
  encodeMessage,
  pullFromMeReplySchema,
  pullReplySchema,
  type PullRequest,
  vectorReplySchema,
} from './messages';
import type { LinkGate } from './faults/link-gate';
import type { Delivery } from './replication-stats';
import { addCounts, countRevisions, emptyCounts, type SessionCounts } from './session-counts';
import type { DomainSubjects } from './subjects';

/** Stores revisions that arrived from a partner; the replicator validates, stores and counts them. */
export type ReceiveRevisions = (from: string, replicaId: string, raw: readonly unknown[], delivery: Delivery) => ReceiveResult;

export interface SessionContext {
  readonly connection: NatsConnection;
  readonly store: DirectoryStore;
  readonly subjects: DomainSubjects;
  readonly server: string;
  readonly pageSize: number;
  readonly requestTimeoutMs: number;
  readonly receive: ReceiveRevisions;
  readonly isStopped: () => boolean;
  /** Faults on the links into this server, applied to replies. */
  readonly gate: LinkGate;
}

/** A replication session that could not finish; what it stored before the failure stays stored. */
export class SessionError extends Error {
  readonly code = 'SESSION_FAILED';

  constructor(
    readonly partner: string,
    readonly replicaId: string,
    message: string,
  ) {
    super(message);
    this.name = 'SessionError';
  }
}

/** Pushes and pages stay well below NATS's default 1 MB max_payload. */
export const MAX_MESSAGE_BYTES = 512 * 1024;

/**
 * Pulls what this server lacks of a replica from a partner, page by page. Each page is
 * stored durably before the next is asked for, with the version vector as it is then, so an
 * interrupted session loses nothing and the next one continues where it stopped.
 */
export async function pullFrom(context: SessionContext, partner: string, replicaId: string): Promise<{ counts: SessionCounts; pages: number }> {
  const counts = emptyCounts();
  let pages = 0;
  for (;;) {
    const ask: PullRequest = { v: 1, from: context.server, replicaId, vector: context.store.versionVector(replicaId), limit: context.pageSize };
    const reply = await request(context, partner, replicaId, context.subjects.pull(partner), ask);
    const decoded = decodeMessage(reply, pullReplySchema);
    if (!decoded.ok) throw new SessionError(partner, replicaId, `invalid pull reply from ${partner}: ${decoded.reason}`);
    if ('error' in decoded.value) throw new SessionError(partner, replicaId, decoded.value.error);

    const result = context.receive(partner, replicaId, decoded.value.revisions, 'pull');
    countRevisions(counts, result.applied);
    pages += 1;
    if (!decoded.value.more || context.isStopped()) return { counts, pages };
    if (result.applied.length === 0) {
      throw new SessionError(partner, replicaId, `${partner} sent a page with nothing this server could store (${result.rejected.length} rejected)`);
    }
  }
}

/**
 * Pushes what a partner lacks of a replica: asks for its version vector, then sends pages
 * that it stores before it replies with its new vector.
 */
export async function pushTo(context: SessionContext, partner: string, replicaId: string): Promise<{ counts: SessionCounts; pages: number }> {
  const counts: SessionCounts = emptyCounts();
  let pages = 0;
  let theirs = await vectorOf(context, partner, replicaId);
  for (;;) {
    const { revisions, more } = revisionsMissingFrom(context.store, replicaId, theirs, context.pageSize);
    if (revisions.length === 0) return { counts, pages };

    const reply = await request(context, partner, replicaId, context.subjects.accept(partner), { v: 1, from: context.server, replicaId, revisions });
    const decoded = decodeMessage(reply, acceptReplySchema);
    if (!decoded.ok) throw new SessionError(partner, replicaId, `invalid reply from ${partner}: ${decoded.reason}`);
    if ('error' in decoded.value) throw new SessionError(partner, replicaId, decoded.value.error);
    if (decoded.value.applied === 0) {
      throw new SessionError(partner, replicaId, `${partner} stored none of ${revisions.length} revisions (${decoded.value.rejected} rejected)`);
    }

    addCounts(counts, decoded.value);
    pages += 1;
    theirs = decoded.value.vector;
    if (!more && decoded.value.applied === revisions.length) return { counts, pages };
    if (context.isStopped()) return { counts, pages };
  }
}

/** Asks a partner to pull a replica from this server now, and returns what it stored. */
export async function askToPull(context: SessionContext, partner: string, replicaId: string): Promise<SessionCounts> {
  const reply = await request(context, partner, replicaId, context.subjects.pullFromMe(partner), { v: 1, from: context.server, replicaId }, context.requestTimeoutMs * 6);
  const decoded = decodeMessage(reply, pullFromMeReplySchema);
  if (!decoded.ok) throw new SessionError(partner, replicaId, `invalid reply from ${partner}: ${decoded.reason}`);
  if ('error' in decoded.value) throw new SessionError(partner, replicaId, decoded.value.error);
  return { added: decoded.value.added, updated: decoded.value.updated, deleted: decoded.value.deleted };
}

async function vectorOf(context: SessionContext, partner: string, replicaId: string): Promise<VersionVector> {
  const reply = await request(context, partner, replicaId, context.subjects.vectorOf(partner), { v: 1, from: context.server, replicaId });
  const decoded = decodeMessage(reply, vectorReplySchema);
  if (!decoded.ok) throw new SessionError(partner, replicaId, `invalid reply from ${partner}: ${decoded.reason}`);
  if ('error' in decoded.value) throw new SessionError(partner, replicaId, decoded.value.error);
  return decoded.value.vector;
}

async function request(context: SessionContext, partner: string, replicaId: string, subject: string, body: unknown, timeoutMs = context.requestTimeoutMs): Promise<Uint8Array> {
  let data: Uint8Array;
  try {
    data = (await context.connection.request(subject, encodeMessage(body), { timeout: timeoutMs })).data;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const name = tryAbbreviate(partner);
    const reason = code === '503' ? `server ${name} is not reachable` : code === 'TIMEOUT' ? `server ${name} did not answer within ${timeoutMs} ms` : (error as Error).message;
    throw new SessionError(partner, replicaId, reason);
  }
  const passed = await context.gate.passReply(partner, data);
  if (passed === undefined) throw new SessionError(partner, replicaId, `the reply from ${tryAbbreviate(partner)} was lost on the link`);
  return passed;
}

function tryAbbreviate(name: string): string {
  try {
    return abbreviate(name);
  } catch {
    return name;
  }
}

/**
 * Revisions this server holds that a vector lacks, at most `limit` and about
 * MAX_MESSAGE_BYTES. `more` is set whenever a limit cut the page short, even if nothing
 * turns out to be left.
 */
export function revisionsMissingFrom(store: DirectoryStore, replicaId: string, theirs: VersionVector, limit: number): { revisions: Revision[]; more: boolean } {
  const mine = store.versionVector(replicaId);
  const revisions: Revision[] = [];
  let bytes = 0;
  for (const [originator, held] of Object.entries(mine)) {
    let after = theirs[originator] ?? 0;
    while (after < held) {
      if (revisions.length >= limit || bytes >= MAX_MESSAGE_BYTES) return { revisions, more: true };
      const batch = store.revisionsAfter(replicaId, originator, after, Math.min(limit - revisions.length, 500));
      if (batch.length === 0) break;
      for (const revision of batch) {
        bytes += JSON.stringify(revision).length;
        revisions.push(revision);
      }
      after = batch[batch.length - 1].counter;
    }
  }
  return { revisions, more: false };
}
