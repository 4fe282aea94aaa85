import { z } from 'zod';

import { type Items, REPLICA_ID_PATTERN } from '@domsim/directory';

/** File name of a server's setup in its data directory, the counterpart of Domino's notes.ini. */
export const SERVER_SETUP_FILE = 'server.json';
/** Documents a server writes as its first events when it creates a database; removed once written. */
export const INITIAL_DOCUMENTS_FILE = 'initial-documents.json';

const replicaSchema = z.strictObject({
  replicaId: z.string().regex(REPLICA_ID_PATTERN),
  path: z.string().min(1),
  title: z.string(),
  /** Servers that hosted the replica when the domain was set up; a new server pulls from them first. */
  sources: z.array(z.string().min(1)),
});

/** What a server process reads from its data directory at start. */
export const serverSetupSchema = z.strictObject({
  format: z.literal(1),
  domain: z.string().min(1),
  server: z.string().min(1),
  title: z.string(),
  administrationServer: z.boolean(),
  replicas: z.array(replicaSchema).min(1),
  trustAnchors: z.array(z.strictObject({ name: z.string().min(1), certificatePem: z.string().min(1) })),
  http: z.strictObject({ enabled: z.boolean(), port: z.number().int().min(0).max(65535) }),
});

export type ServerSetup = z.infer<typeof serverSetupSchema>;
export type ReplicaSetup = z.infer<typeof replicaSchema>;

/** The documents a creating server writes into each database it creates. */
export interface InitialDocuments {
  readonly databases: ReadonlyArray<{
    readonly path: string;
    readonly documents: ReadonlyArray<{ readonly unid: string; readonly form: string; readonly items: Items }>;
  }>;
}
