import type { NatsConnection } from 'nats';

import type { DirectoryStore, ReceiveResult } from '@domsim/directory';
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
    /** True when the partner did not respond at all (not running, not connected, or the reply was lost). */
    readonly unreachable = false,
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
  const ask = (vector: VersionVector) =>
    request(context, partner, replicaId, context.subjects.pull(partner), { v: 1, from: context.server, replicaId, vector, limit: context.pageSize } satisfies PullRequest);

  // The next page is asked for while this one is stored: the request assumes this page gets
  // stored. Should a revision be rejected, the ones after it from the same originator come
  // as gaps, are skipped, and a later pull brings them.
  let pending = ask(context.store.versionVector(replicaId));
  for (;;) {
    const decoded = decodeMessage(await pending, pullReplySchema);
    if (!decoded.ok) throw new SessionError(partner, replicaId, `invalid pull reply from ${partner}: ${decoded.reason}`);
    if ('error' in decoded.value) throw new SessionError(partner, replicaId, decoded.value.error);
    const { revisions, more } = decoded.value;
    const continuing = more && !context.isStopped();
    if (continuing) {
      pending = ask(advanced(context.store.versionVector(replicaId), revisions));
      pending.catch(() => undefined);
    }

    const result = context.receive(partner, replicaId, revisions, 'pull');
    countRevisions(counts, result.applied);
    pages += 1;
    if (!continuing) return { counts, pages };
    if (result.applied.length === 0 && result.duplicates === 0) {
      throw new SessionError(partner, replicaId, `${partner} sent a page with nothing this server could store (${result.rejected.length} rejected)`);
    }
  }
}

/** The vector after a page of revisions is stored: each originator's highest counter in it. */
function advanced(vector: VersionVector, revisions: readonly unknown[]): VersionVector {
  const next = { ...vector };
  for (const revision of revisions) {
    const { originator, counter } = revision as { originator?: unknown; counter?: unknown };
    if (typeof originator === 'string' && typeof counter === 'number' && counter > (next[originator] ?? 0)) next[originator] = counter;
  }
  return next;
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
    const { json, more } = revisionsMissingFrom(context.store, replicaId, theirs, context.pageSize);
    if (json.length === 0) return { counts, pages };

    const reply = await requestEncoded(context, partner, replicaId, context.subjects.accept(partner), encodeWithRevisions({ v: 1, from: context.server, replicaId }, json));
    const decoded = decodeMessage(reply, acceptReplySchema);
    if (!decoded.ok) throw new SessionError(partner, replicaId, `invalid reply from ${partner}: ${decoded.reason}`);
    if ('error' in decoded.value) throw new SessionError(partner, replicaId, decoded.value.error);
    if (decoded.value.applied === 0) {
      throw new SessionError(partner, replicaId, `${partner} stored none of ${json.length} revisions (${decoded.value.rejected} rejected)`);
    }

    addCounts(counts, decoded.value);
    pages += 1;
    theirs = decoded.value.vector;
    if (!more && decoded.value.applied === json.length) return { counts, pages };
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
  return requestEncoded(context, partner, replicaId, subject, encodeMessage(body), timeoutMs);
}

async function requestEncoded(context: SessionContext, partner: string, replicaId: string, subject: string, body: Uint8Array, timeoutMs = context.requestTimeoutMs): Promise<Uint8Array> {
  let data: Uint8Array;
  try {
    data = (await context.connection.request(subject, body, { timeout: timeoutMs })).data;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const name = tryAbbreviate(partner);
    const reason = code === '503' ? `server ${name} is not reachable` : code === 'TIMEOUT' ? `server ${name} did not answer within ${timeoutMs} ms` : (error as Error).message;
    throw new SessionError(partner, replicaId, reason, code === '503' || code === 'TIMEOUT');
  }
  const passed = await context.gate.passReply(partner, data);
  if (passed === undefined) throw new SessionError(partner, replicaId, `the reply from ${tryAbbreviate(partner)} was lost on the link`, true);
  return passed;
}

function tryAbbreviate(name: string): string {
  try {
    return abbreviate(name);
  } catch {
    return name;
  }
}

/** Revisions as JSON text, ready to be joined into a message without serialising them again. */
export interface RevisionPage {
  readonly json: readonly string[];
  readonly more: boolean;
}

/**
 * Revisions this server holds that a vector lacks, at most `limit` and about
 * MAX_MESSAGE_BYTES, as the JSON text the log stores. `more` is set whenever a limit cut
 * the page short, even if nothing turns out to be left.
 */
export function revisionsMissingFrom(store: DirectoryStore, replicaId: string, theirs: VersionVector, limit: number): RevisionPage {
  const mine = store.versionVector(replicaId);
  const json: string[] = [];
  let bytes = 0;
  for (const [originator, held] of Object.entries(mine)) {
    let after = theirs[originator] ?? 0;
    while (after < held) {
      if (json.length >= limit || bytes >= MAX_MESSAGE_BYTES) return { json, more: true };
      const batch = store.revisionJsonAfter(replicaId, originator, after, Math.min(limit - json.length, 1_000));
      if (batch.length === 0) break;
      for (const revision of batch) {
        bytes += revision.json.length;
        json.push(revision.json);
      }
      after = batch[batch.length - 1].counter;
    }
  }
  return { json, more: false };
}

/** Builds a message whose `revisions` array is the given JSON texts, without re-serialising them. */
export function encodeWithRevisions(fields: Record<string, unknown>, revisions: readonly string[]): Uint8Array {
  const head = JSON.stringify(fields);
  return encoder.encode(`${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"revisions":[${revisions.join(',')}]}`);
}

const encoder = new TextEncoder();
