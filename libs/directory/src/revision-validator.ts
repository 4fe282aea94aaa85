import Ajv, { type JSONSchemaType } from 'ajv';

import { tryNameKey } from '@domsim/names';

import { MAX_ITEM_COUNT, MAX_TEXT_LENGTH, type Revision, revisionSchema } from './revision';

export type RevisionCheckResult = { readonly ok: true; readonly revision: Revision } | { readonly ok: false; readonly field: string; readonly reason: string };

// Both ajv and zod count string length in code points, not UTF-16 code units.
const text = { type: 'string', maxLength: MAX_TEXT_LENGTH } as const;
const originator = { type: 'string', minLength: 1, maxLength: 256 } as const;
// zod's int() also stops at the largest safe integer.
const positive = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

/**
 * The shape of `revisionSchema` as JSON Schema, compiled by ajv into one function: replication
 * checks every revision it receives, and this is about ten times faster than the zod schema.
 * The zod schema stays the reference and writes the error message whenever this rejects.
 */
const shape = {
  type: 'object',
  additionalProperties: false,
  required: ['replicaId', 'unid', 'originator', 'counter', 'seq', 'seqTime', 'parent', 'deleted'],
  properties: {
    replicaId: { type: 'string', pattern: '^[0-9A-F]{8}:[0-9A-F]{8}$' },
    unid: { type: 'string', pattern: '^[0-9A-F]{32}$' },
    originator,
    counter: positive,
    seq: positive,
    seqTime: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    parent: {
      anyOf: [
        { type: 'null' },
        { type: 'object', additionalProperties: false, required: ['originator', 'counter'], properties: { originator, counter: positive } },
      ],
    },
    deleted: { type: 'boolean' },
    purged: { const: true },
    form: { type: 'string', minLength: 1, maxLength: 128 },
    items: {
      type: 'object',
      maxProperties: MAX_ITEM_COUNT,
      propertyNames: { minLength: 1, maxLength: 128 },
      additionalProperties: {
        anyOf: [
          text,
          { type: 'number' },
          { type: 'boolean' },
          { type: 'array', maxItems: 1024, items: text },
          { type: 'array', maxItems: 1024, items: { type: 'number' } },
        ],
      },
    },
  },
};

const matchesShape = new Ajv({ allErrors: false }).compile(shape as unknown as JSONSchemaType<Revision>);

/** Originator names already checked; a domain has few servers, so this stays small. */
const validOriginators = new Map<string, boolean>();
const MAX_REMEMBERED_ORIGINATORS = 10_000;

function isServerName(name: string): boolean {
  let valid = validOriginators.get(name);
  if (valid === undefined) {
    valid = tryNameKey(name) !== undefined;
    if (validOriginators.size >= MAX_REMEMBERED_ORIGINATORS) validOriginators.clear();
    validOriginators.set(name, valid);
  }
  return valid;
}

function holdsTogether(revision: Revision): boolean {
  const stub = revision.deleted || revision.purged === true;
  if (!stub && (revision.form === undefined || revision.items === undefined)) return false;
  if (stub && revision.items !== undefined) return false;
  if (!isServerName(revision.originator)) return false;
  return revision.parent === null || isServerName(revision.parent.originator);
}

/** The compiled check alone, without the zod schema; exported so tests can hold it to the schema. */
export function acceptsQuickly(candidate: unknown): candidate is Revision {
  return matchesShape(candidate) && holdsTogether(candidate);
}

/**
 * Checks a revision that arrived from another server, with the same rules as `revisionSchema`.
 * A rejected revision is checked again with the zod schema, which names the field and reason.
 */
export function checkRevision(candidate: unknown): RevisionCheckResult {
  if (acceptsQuickly(candidate)) return { ok: true, revision: candidate };
  const parsed = revisionSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, revision: parsed.data as Revision };
  const issue = parsed.error.issues[0];
  return { ok: false, field: issue.path.join('.'), reason: issue.message };
}
