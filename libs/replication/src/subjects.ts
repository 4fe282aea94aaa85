import { toSubjectToken } from '@domsim/names';

/**
 * NATS subjects of one domain. Every subject starts with `domsim.<domain>.` so several
 * domains can share one NATS server; server names and replica IDs are encoded as single
 * subject tokens.
 */
export class DomainSubjects {
  readonly prefix: string;

  constructor(readonly domain: string) {
    if (!/^[A-Za-z0-9_-]+$/.test(domain)) {
      throw new Error(`domain name "${domain}" cannot be used in a NATS subject; use letters, digits, "-" and "_"`);
    }
    this.prefix = `domsim.${domain.toLowerCase()}`;
  }

  /** New revisions of a replica, published by the server that saved them. */
  push(replicaId: string): string {
    return `${this.prefix}.repl.${replicaToken(replicaId)}.push`;
  }

  /** Periodic version vectors of a replica, so peers notice what they missed. */
  vector(replicaId: string): string {
    return `${this.prefix}.repl.${replicaToken(replicaId)}.vector`;
  }

  /** Request/reply: a partner asks this server for the revisions it lacks. */
  pull(server: string): string {
    return `${this.server(server)}.pull`;
  }

  /** Request/reply: a partner asks for this server's version vector of a replica. */
  vectorOf(server: string): string {
    return `${this.server(server)}.vector`;
  }

  /** Request/reply: a partner pushes revisions in a replication session. */
  accept(server: string): string {
    return `${this.server(server)}.accept`;
  }

  /** Request/reply: a partner asks this server to pull from it now (pull-pull). */
  pullFromMe(server: string): string {
    return `${this.server(server)}.pull-from-me`;
  }

  /** Request/reply: `sim server stop|kill` asks a server to end itself. */
  control(server: string): string {
    return `${this.server(server)}.control`;
  }

  console(server: string): string {
    return `${this.server(server)}.console`;
  }

  /** Console lines as the server prints them, for live views. */
  consoleLines(server: string): string {
    return `${this.server(server)}.console.lines`;
  }

  health(server: string): string {
    return `${this.server(server)}.health`;
  }

  view(server: string): string {
    return `${this.server(server)}.view`;
  }

  /** Request/reply: every note's state in a replica, for finding where replicas differ. */
  notes(server: string): string {
    return `${this.server(server)}.notes`;
  }

  /** Notices of revisions a server stored, for measuring propagation. */
  applied(server: string): string {
    return `${this.server(server)}.applied`;
  }

  /** Snapshots of the domain's link fault table, published by the server that changed it. */
  faults(): string {
    return `${this.prefix}.faults`;
  }

  /** Request/reply: any server answers with its link fault table. */
  faultsRequest(): string {
    return `${this.prefix}.faults.get`;
  }

  /** Version vectors of every replica; each server publishes its own on every heartbeat. */
  allVectors(): string {
    return `${this.prefix}.repl.*.vector`;
  }

  allApplied(): string {
    return `${this.prefix}.srv.*.applied`;
  }

  server(server: string): string {
    return `${this.prefix}.srv.${toSubjectToken(server)}`;
  }
}

function replicaToken(replicaId: string): string {
  return replicaId.replace(':', '').toUpperCase();
}
