import { z } from 'zod';

import { tryNameKey } from '@domsim/names';

/** A Notes item value: text, number, flag, or a list of text or numbers. */
export type ItemValue = string | number | boolean | readonly string[] | readonly number[];
export type Items = Readonly<Record<string, ItemValue>>;

/** Names one revision within a replica: the server that saved it and its counter there. */
export interface RevisionRef {
  readonly originator: string;
  readonly counter: number;
}

/**
 * One save of one note: the event that replicates. `seq` is the note's sequence number
 * (how many times it has been saved), `seqTime` the save time in ms since the epoch,
 * and `parent` the revision that the save edited (null when the note was created).
 * A deletion is a revision with `deleted` set and no items: the deletion stub.
 */
export interface Revision extends RevisionRef {
  readonly replicaId: string;
  readonly unid: string;
  readonly seq: number;
  readonly seqTime: number;
  readonly parent: RevisionRef | null;
  readonly deleted: boolean;
  readonly form?: string;
  readonly items?: Items;
  /**
   * Set on a placeholder a server sends instead of a revision of a note it purged: the
   * counter is held, but the note's content and deletion are no longer known.
   */
  readonly purged?: true;
}

export function revisionKey(ref: RevisionRef): string {
  return `${ref.originator}#${ref.counter}`;
}

export const REPLICA_ID_PATTERN = /^[0-9A-F]{8}:[0-9A-F]{8}$/;
export const UNID_PATTERN = /^[0-9A-F]{32}$/;

export const MAX_ITEM_COUNT = 256;
export const MAX_TEXT_LENGTH = 64 * 1024;

const itemValueSchema = z.union([
  z.string().max(MAX_TEXT_LENGTH),
  z.number().finite(),
  z.boolean(),
  z.array(z.string().max(MAX_TEXT_LENGTH)).max(1024),
  z.array(z.number().finite()).max(1024),
]);

/** The canonical name of the server that saved a revision. */
const originatorSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((name) => tryNameKey(name) !== undefined, 'the originator is not a hierarchical server name');

const revisionRefSchema = z.strictObject({
  originator: originatorSchema,
  counter: z.number().int().positive(),
});

/** Validates a revision that arrived from another server before anything is stored. */
export const revisionSchema = z
  .strictObject({
    replicaId: z.string().regex(REPLICA_ID_PATTERN, 'a replica ID is two groups of 8 upper-case hex digits, e.g. 852564AC:044EBCCF'),
    unid: z.string().regex(UNID_PATTERN, 'a UNID is 32 upper-case hex digits'),
    originator: originatorSchema,
    counter: z.number().int().positive(),
    seq: z.number().int().positive(),
    seqTime: z.number().int().nonnegative(),
    parent: revisionRefSchema.nullable(),
    deleted: z.boolean(),
    purged: z.literal(true).optional(),
    form: z.string().min(1).max(128).optional(),
    items: z
      .record(z.string().min(1).max(128), itemValueSchema)
      .refine((items) => Object.keys(items).length <= MAX_ITEM_COUNT, `a note has at most ${MAX_ITEM_COUNT} items`)
      .optional(),
  })
  .refine((revision) => revision.deleted || revision.purged === true || (revision.form !== undefined && revision.items !== undefined), {
    message: 'a revision that is not a deletion stub needs a form and items',
  })
  .refine((revision) => (!revision.deleted && revision.purged !== true) || revision.items === undefined, {
    message: 'a deletion stub or purge placeholder carries no items',
  });
