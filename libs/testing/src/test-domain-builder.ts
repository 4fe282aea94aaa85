import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MAX_CLUSTER_NODES, startDomain } from '@domsim/launcher';
import { createDomain, defaultTopologyPath, loadTopology, parseTopology, type Topology } from '@domsim/topology';

import { InvalidTestDomainError } from './errors';
import { type NatsMode, natsModeFromEnvironment, startTestNats } from './nats/test-nats';
import { StartedTestDomain } from './started-test-domain';
import { generateTopology, type VaultOptions } from './topology/generated-topology';

/** Domino's replication types for a Connection document. */
export type ReplicationType = 'pull-push' | 'pull-pull' | 'push-only' | 'pull-only';

/** A Connection document: `from` calls `to` on a schedule to replicate. */
export interface ConnectionSpec {
  readonly from: string;
  readonly to: string;
  readonly type?: ReplicationType;
  /** Repeat interval such as `60s` or `5m`; default 60m, as in Domino. */
  readonly interval?: string;
}

/** Extra delay on the messages between two servers, in both directions. */
export interface LinkLatencySpec {
  readonly between: readonly [string, string];
  readonly latencyMs: number;
  readonly jitterMs?: number;
}

type TopologySource = { readonly kind: 'default' } | { readonly kind: 'file'; readonly file: string } | { readonly kind: 'text'; readonly text: string };

/**
 * Builds and starts a domain of real server processes on NATS, for tests: fluent `withX()`
 * settings, then `start()`, which returns a StartedTestDomain.
 */
export class TestDomainBuilder {
  private topologySource: TopologySource = { kind: 'default' };
  private serverCount: number | undefined;
  private vault: VaultOptions | undefined;
  private environment: Record<string, string> = {};
  private natsNodes: number | undefined;
  private natsMode: NatsMode | undefined;
  private natsImage: string | undefined;
  private startTimeoutMs = 30_000;
  private log: ((line: string) => void) | undefined;
  private clusters: ReadonlyArray<readonly string[]> | undefined;
  private readonly connections: ConnectionSpec[] = [];
  private readonly linkFaults: Array<{ from: string; to: string; fault: string }> = [];

  /** Uses a topology file instead of the default renovations domain. */
  withTopologyFile(file: string): this {
    this.topologySource = { kind: 'file', file };
    return this;
  }

  withTopologyText(text: string): this {
    this.topologySource = { kind: 'text', text };
    return this;
  }

  /**
   * Generates a domain of `count` servers (server1/renovations, ...) with the default
   * domain's organizations and people; server1 is the administration server.
   */
  withServers(count: number): this {
    this.serverCount = count;
    return this;
  }

  /** Adds the /renovationsvault ID vault to a generated domain, by default on servers 1 and 2. */
  withVault(options: VaultOptions = {}): this {
    this.vault = options;
    return this;
  }

  /** Sets DOMSIM_* variables for every server, e.g. a short DOMSIM_HEARTBEAT_MS. */
  withEnvironment(environment: Record<string, string>): this {
    this.environment = { ...this.environment, ...environment };
    return this;
  }

  /**
   * Runs NATS as a cluster of `nodes` nodes; servers are spread over the nodes round-robin.
   * Without it, DOMSIM_TEST_NATS_NODES sets the node count (default 1).
   */
  withNatsCluster(nodes: number): this {
    this.natsNodes = nodes;
    return this;
  }

  /** Overrides DOMSIM_TEST_NATS: `container`, `binary` or `auto`. */
  withNatsMode(mode: NatsMode): this {
    this.natsMode = mode;
    return this;
  }

  /** Overrides DOMSIM_NATS_IMAGE, the image used for NATS containers. */
  withNatsImage(image: string): this {
    this.natsImage = image;
    return this;
  }

  /** Sets how long NATS and each server may take to start; default 30 s. */
  withStartTimeout(ms: number): this {
    this.startTimeoutMs = ms;
    return this;
  }

  /** Receives the harness's own log lines (which NATS it chose); default standard error. */
  withLogger(log: (line: string) => void): this {
    this.log = log;
    return this;
  }

  /**
   * Sets which servers form clusters in a generated domain (by default all of them form one).
   * Pass `[]` so that only Connection documents replicate.
   */
  withClusters(clusters: ReadonlyArray<readonly string[]>): this {
    this.clusters = clusters;
    return this;
  }

  /**
   * Adds a Connection document from one server to another once the domain runs, as an
   * administrator would (`sim connection` at the source server's console).
   */
  withConnection(connection: ConnectionSpec): this {
    this.connections.push(connection);
    return this;
  }

  /** Delays the messages between two servers, both ways, from the start (`sim fault`). */
  withLinkLatency(link: LinkLatencySpec): this {
    const fault = `latency ${link.latencyMs}ms${link.jitterMs === undefined ? '' : ` jitter ${link.jitterMs}ms`}`;
    this.linkFaults.push({ from: link.between[0], to: link.between[1], fault }, { from: link.between[1], to: link.between[0], fault });
    return this;
  }

  /** Sets a fault on one directed link from the start, e.g. `drop 10%` or `partition`; `*` stands for every server. */
  withLinkFault(from: string, to: string, fault: string): this {
    this.linkFaults.push({ from, to, fault });
    return this;
  }

  /**
   * Creates the domain in a new temporary directory, starts NATS, then the administration
   * server and the others, and returns once every console responds. On failure everything
   * started is stopped and the directory removed.
   */
  async start(): Promise<StartedTestDomain> {
    const topology = this.topology();
    const natsMode = this.natsMode ?? natsModeFromEnvironment();
    const natsNodes = this.natsNodes ?? natsNodesFromEnvironment();
    const root = mkdtempSync(join(tmpdir(), 'domsim-test-'));
    let nats: Awaited<ReturnType<typeof startTestNats>> | undefined;
    try {
      const manifest = createDomain(topology, root, { topologySource: 'test' });
      nats = await startTestNats({ nodes: natsNodes, mode: natsMode, image: this.natsImage, log: this.log, startTimeoutMs: this.startTimeoutMs });
      const running = await startDomain({ root, manifest, natsUrl: nats.urls.join(','), environment: this.environment, startTimeoutMs: this.startTimeoutMs });
      const domain = new StartedTestDomain(root, manifest, running, nats, this.environment);
      await this.configure(domain);
      return domain;
    } catch (error) {
      await nats?.stop();
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** Applies connections and link faults through the consoles, so they are real documents and faults. */
  private async configure(domain: StartedTestDomain): Promise<void> {
    try {
      for (const connection of this.connections) {
        await domain.commandThatSucceeds(connection.from, `sim connection ${connection.to} ${connection.type ?? 'pull-push'} ${connection.interval ?? '60m'}`);
      }
      for (const link of this.linkFaults) await domain.setLinkFault(link.from, link.to, link.fault);
    } catch (error) {
      await domain.stop();
      throw error;
    }
  }

  private topology(): Topology {
    const generated = this.serverCount !== undefined || this.vault !== undefined || this.clusters !== undefined;
    if (generated && this.topologySource.kind !== 'default') {
      throw new InvalidTestDomainError('withServers, withVault and withClusters generate a topology; drop them or drop withTopologyFile/withTopologyText');
    }
    if (generated) {
      const file = generateTopology({ servers: this.serverCount ?? 3, vault: this.vault, clusters: this.clusters });
      return parseTopology(JSON.stringify(file), 'generated topology');
    }
    switch (this.topologySource.kind) {
      case 'file':
        return loadTopology(this.topologySource.file);
      case 'text':
        return parseTopology(this.topologySource.text, 'inline topology');
      default:
        return loadTopology(defaultTopologyPath());
    }
  }
}

/** Reads the default NATS node count from DOMSIM_TEST_NATS_NODES, so a whole suite can run on a cluster. */
export function natsNodesFromEnvironment(environment: NodeJS.ProcessEnv = process.env): number {
  const value = environment.DOMSIM_TEST_NATS_NODES;
  if (value === undefined || value === '') return 1;
  const nodes = Number(value);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_CLUSTER_NODES) {
    throw new InvalidTestDomainError(`invalid DOMSIM_TEST_NATS_NODES "${value}": set it to a node count from 1 to ${MAX_CLUSTER_NODES}, or unset it for one node`);
  }
  return nodes;
}
