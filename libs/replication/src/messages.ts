import { z } from 'zod';

import { REPLICA_ID_PATTERN, type Revision } from '@domsim/directory';
import { tryNameKey } from '@domsim/names';

/** A server's canonical hierarchical name; anything else cannot be a partner. */
const serverName = z
  .string()
  .min(1)
  .max(256)
  .refine((name) => tryNameKey(name) !== undefined, 'not a hierarchical server name');
const vector = z.record(z.string().min(1).max(256), z.number().int().nonnegative()).refine((value) => Object.keys(value).length <= 10_000, 'too many originators');

/** Revisions pushed by the server that saved them. Revisions are validated one by one on receipt. */
export const pushMessageSchema = z.strictObject({
  v: z.literal(1),
  from: serverName,
  replicaId: z.string().regex(REPLICA_ID_PATTERN),
  revisions: z.array(z.unknown()).max(100_000),
});

export const vectorMessageSchema = z.strictObject({
  v: z.literal(1),
  from: serverName,
  replicaId: z.string().regex(REPLICA_ID_PATTERN),
  vector,
});

export const pullRequestSchema = z.strictObject({
  v: z.literal(1),
  from: serverName,
  replicaId: z.string().regex(REPLICA_ID_PATTERN),
  vector,
  limit: z.number().int().min(1).max(100_000),
});

export const pullReplySchema = z.union([
  z.strictObject({ v: z.literal(1), revisions: z.array(z.unknown()), more: z.boolean() }),
  z.strictObject({ v: z.literal(1), error: z.string() }),
]);

/** Asks a partner for its version vector of a replica, before pushing to it. */
export const vectorRequestSchema = z.strictObject({
  v: z.literal(1),
  from: serverName,
  replicaId: z.string().regex(REPLICA_ID_PATTERN),
});

export const vectorReplySchema = z.union([z.strictObject({ v: z.literal(1), vector }), z.strictObject({ v: z.literal(1), error: z.string() })]);

/** Revisions a partner pushes in a replication session; the receiver replies after storing them. */
export const acceptRequestSchema = z.strictObject({
  v: z.literal(1),
  from: serverName,
  replicaId: z.string().regex(REPLICA_ID_PATTERN),
  revisions: z.array(z.unknown()).max(100_000),
});

export const acceptReplySchema = z.union([
  z.strictObject({
    v: z.literal(1),
    applied: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
    added: z.number().int().nonnegative(),
    updated: z.number().int().nonnegative(),
    deleted: z.number().int().nonnegative(),
    vector,
  }),
  z.strictObject({ v: z.literal(1), error: z.string() }),
]);

/** Asks a partner to pull a replica from the sender now: the second half of pull-pull. */
export const pullFromMeRequestSchema = z.strictObject({
  v: z.literal(1),
  from: serverName,
  replicaId: z.string().regex(REPLICA_ID_PATTERN),
});

export const pullFromMeReplySchema = z.union([
  z.strictObject({ v: z.literal(1), added: z.number().int(), updated: z.number().int(), deleted: z.number().int() }),
  z.strictObject({ v: z.literal(1), error: z.string() }),
]);

export interface PushMessage {
  readonly v: 1;
  readonly from: string;
  readonly replicaId: string;
  readonly revisions: readonly Revision[];
}

export interface VectorMessage {
  readonly v: 1;
  readonly from: string;
  readonly replicaId: string;
  readonly vector: Record<string, number>;
}

export interface PullRequest {
  readonly v: 1;
  readonly from: string;
  readonly replicaId: string;
  readonly vector: Record<string, number>;
  readonly limit: number;
}

export type PullReply = { readonly v: 1; readonly revisions: readonly Revision[]; readonly more: boolean } | { readonly v: 1; readonly error: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeMessage(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Parses and validates a message; returns the reason when it is not acceptable. */
export function decodeMessage<T>(data: Uint8Array, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(data));
  } catch {
    return { ok: false, reason: 'malformed JSON' };
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, reason: `${issue.path.join('.') || 'message'}: ${issue.message}` };
  }
  return { ok: true, value: result.data };
}
