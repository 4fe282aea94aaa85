import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ConsoleReply, DomainClient, HealthReply, ViewReply } from '@domsim/client';
import { type RunningDomain, type RunningServer, spawnServerProcess, startDomain, type StartedNatsServer, startNatsServer, terminate } from '@domsim/launcher';
import { nameKey } from '@domsim/names';
import { createDomain, defaultTopologyPath, type DomainManifest, loadTopology, parseTopology, type Topology } from '@domsim/topology';

/** Builds and starts a domain of real server processes on a private nats-server, for tests. */
export class TestDomainBuilder {
  private topology: () => Topology = () => loadTopology(defaultTopologyPath());
  private environment: Record<string, string> = {};

  /** Uses a topology file instead of the default renovations domain. */
  withTopologyFile(file: string): this {
    this.topology = () => loadTopology(file);
    return this;
  }

  withTopologyText(text: string): this {
    this.topology = () => parseTopology(text, 'inline topology');
    return this;
  }

  /** Sets DOMSIM_* variables for every server, e.g. a short DOMSIM_HEARTBEAT_MS. */
  withEnvironment(environment: Record<string, string>): this {
    this.environment = { ...this.environment, ...environment };
    return this;
  }

  async start(): Promise<StartedTestDomain> {
    const root = mkdtempSync(join(tmpdir(), 'domsim-test-'));
    try {
      const manifest = createDomain(this.topology(), root, { topologySource: 'test' });
      const running = await startDomain({ root, manifest, environment: this.environment });
      return new StartedTestDomain(root, manifest, running, this.environment);
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }
}

/** A running test domain: typed access to its servers, and control over their processes. */
export class StartedTestDomain {
  private readonly servers = new Map<string, RunningServer>();
  private nats: StartedNatsServer | undefined;

  constructor(
    readonly root: string,
    readonly manifest: DomainManifest,
    private readonly running: RunningDomain,
    private readonly environment: Record<string, string>,
  ) {
    for (const server of running.servers) this.servers.set(nameKey(server.name), server);
  }

  get client(): DomainClient {
    return this.running.client;
  }

  /** Canonical names of the domain's servers. */
  get serverNames(): string[] {
    return this.manifest.servers.map((server) => server.name);
  }

  get natsUrl(): string {
    return this.running.natsUrl;
  }

  command(server: string, command: string): Promise<ConsoleReply> {
    return this.client.runCommand(server, command);
  }

  view(server: string, database: string, view: string): Promise<ViewReply> {
    return this.client.view(server, database, view);
  }

  health(server: string): Promise<HealthReply> {
    return this.client.health(server);
  }

  dataDirOf(server: string): string {
    return this.server(server).dataDir;
  }

  /** Stops one server: SIGTERM by default, SIGKILL to simulate a crash. */
  async stopServer(server: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const entry = this.server(server);
    if (signal === 'SIGKILL') {
      entry.process.kill('SIGKILL');
      await new Promise((resolve) => (entry.process.exitCode !== null || entry.process.signalCode !== null ? resolve(undefined) : entry.process.once('exit', resolve)));
      return;
    }
    await terminate(entry.pid, 15_000);
  }

  /** Starts a stopped server again on the same data directory and waits until it answers. */
  async startServer(server: string, timeoutMs = 30_000): Promise<void> {
    const entry = this.server(server);
    const child = spawnServerProcess({ dataDir: entry.dataDir, natsUrl: this.natsUrl, stdio: ['ignore', 'ignore', 'pipe'], environment: this.environment });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    this.servers.set(nameKey(entry.name), { ...entry, pid: child.pid ?? -1, process: child, outputTail: () => stderr });
    await this.client.waitUntilAnswering(entry.name, timeoutMs).catch((error: unknown) => {
      throw new Error(`${entry.name} did not answer after restart: ${(error as Error).message}\n${stderr}`);
    });
  }

  /**
   * Stops the private nats-server and starts it again on the same port; servers reconnect by
   * themselves. `whileDown` runs while NATS is stopped, and its result is returned.
   */
  async restartNats<T = void>(whileDown?: () => Promise<T>): Promise<T | undefined> {
    const current = this.nats ?? this.running.nats;
    if (current === undefined) throw new Error('this test domain uses an external NATS server, which it cannot restart');
    await current.stop();
    try {
      return await whileDown?.();
    } finally {
      this.nats = await startNatsServer({ port: current.port });
    }
  }

  /** Stops every process and removes the domain directory (kept when DOMSIM_KEEP_TEST_DATA is set). */
  async stop(): Promise<void> {
    await this.client.close().catch(() => undefined);
    await Promise.all([...this.servers.values()].map((server) => terminate(server.pid, 15_000)));
    await (this.nats ?? this.running.nats)?.stop();
    if (process.env.DOMSIM_KEEP_TEST_DATA === undefined) rmSync(this.root, { recursive: true, force: true });
  }

  private server(server: string): RunningServer {
    const entry = this.servers.get(nameKey(server));
    if (entry === undefined) throw new Error(`server ${server} is not part of this test domain`);
    return entry;
  }
}
