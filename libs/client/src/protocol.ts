import type { SealedSecret } from '@domsim/console';
import type { NoteSummary, ViewRow } from '@domsim/directory';
import type { HistoryEntry } from '@domsim/replication';

/** Request to run one console command; secret arguments are masked in `command` and sealed in `secrets`. */
export interface ConsoleRequest {
  readonly command: string;
  readonly secrets?: readonly SealedSecret[];
  /** Tags the echo and output lines the server publishes, so the sender can recognise them. */
  readonly requestId?: string;
}

/** What a server returns for one console command. */
export interface ConsoleReply {
  readonly ok: boolean;
  /** The command as echoed, secrets masked. */
  readonly echo: string;
  /** Output lines in console format, all with one prefix. */
  readonly lines: readonly string[];
  /** A stable code when the command failed, e.g. WRONG_PASSWORD or UNKNOWN_COMMAND. */
  readonly code?: string;
}

export interface ViewRequest {
  readonly database: string;
  readonly view: string;
}

export interface ViewReply {
  readonly server: string;
  readonly database: string;
  readonly replicaId: string;
  readonly view: string;
  readonly columns: readonly string[];
  readonly rows: readonly ViewRow[];
}

export type ViewRequestReply = { readonly ok: true; readonly view: ViewReply } | { readonly ok: false; readonly error: string; readonly code: string };

export interface ReplicaHealth {
  readonly path: string;
  readonly replicaId: string;
  readonly digest: string;
  readonly vector: Readonly<Record<string, number>>;
}

export interface HealthReply {
  readonly status: 'ok';
  readonly server: string;
  readonly domain: string;
  readonly pid: number;
  readonly uptimeMs: number;
  readonly http?: string;
  /** The X25519 public key (PEM) that console secrets are sealed for. */
  readonly consoleKey: string;
  readonly replicas: readonly ReplicaHealth[];
  readonly replication: ReplicationHealth;
}

/** What the Replicator task is doing and has done. */
export interface ReplicationHealth {
  readonly activity: string;
  readonly cluster: string;
  /** Local saves waiting to be pushed to cluster mates. */
  readonly pushesQueued: number;
  /** Replication jobs running or waiting. */
  readonly jobsQueued: number;
  /** Cluster catch-up pulls running or waiting. */
  readonly pullsWaiting: number;
  readonly history: readonly HistoryEntry[];
  readonly schedule: ReadonlyArray<{ readonly destination: string; readonly type: string; readonly intervalSeconds: number; readonly nextRunAt?: number }>;
}

export interface NotesRequest {
  readonly database: string;
}

export type NotesReply =
  | { readonly ok: true; readonly server: string; readonly replicaId: string; readonly path: string; readonly notes: readonly NoteSummary[] }
  | { readonly ok: false; readonly error: string };

/** Published after a server stored a batch of revisions, for measuring propagation. */
export interface AppliedNotice {
  readonly server: string;
  readonly replicaId: string;
  readonly source: 'local' | 'remote';
  readonly appliedAt: number;
  /** Revisions in the whole batch the server stored. */
  readonly count: number;
  /** At most 100 revisions of the batch; a larger batch arrives as several notices with the same `appliedAt`. */
  readonly revisions: ReadonlyArray<{ readonly unid: string; readonly originator: string; readonly counter: number; readonly form?: string; readonly deleted: boolean }>;
}

/** A console line as a server publishes it for live consoles. */
export interface ConsoleLineNotice {
  readonly line: string;
  readonly requestId?: string;
}
