import { rmSync } from 'node:fs';

import type { ConsoleReply, DomainClient, HealthReply, ViewReply } from '@domsim/client';
import { type RunningDomain, type RunningServer, spawnServerProcess, terminate } from '@domsim/launcher';
import { abbreviate, nameKey } from '@domsim/names';
import type { DomainManifest } from '@domsim/topology';

import { waitForConvergence } from './convergence';
import { type LagMeasurement, measureLag, type MeasureLagOptions, type ReplicaHost } from './lag';
import type { NatsSource, TestNats } from './nats/test-nats';

/** Why a server is not taking part: stopped by the test, or paused (SIGSTOP). */
type ServerFault = 'stopped' | 'paused';

const STOP_GRACE_MS = 15_000;

/**
 * A running test domain: typed access to its servers, waiting and measuring, fault
 * injection, and `stop()`, which ends every process and container it started.
 */
export class StartedTestDomain {
  private readonly servers = new Map<string, RunningServer>();
  private readonly faults = new Map<string, ServerFault>();

  constructor(
    readonly root: string,
    readonly manifest: DomainManifest,
    private readonly running: RunningDomain,
    private readonly nats: TestNats,
    private readonly environment: Record<string, string>,
  ) {
    for (const server of running.servers) this.servers.set(nameKey(server.name), server);
  }

  get client(): DomainClient {
    return this.running.client;
  }

  /** Every NATS node's URL, comma-separated, as clients take it. */
  get natsUrl(): string {
    return this.nats.urls.join(',');
  }

  get natsUrls(): readonly string[] {
    return this.nats.urls;
  }

  /** Whether NATS runs in containers or from the local binary. */
  get natsSource(): NatsSource {
    return this.nats.source;
  }

  /** Monitoring URL (http://127.0.0.1:PORT) of one NATS node, for /connz, /routez and so on. */
  natsMonitorUrl(node = 0): string {
    const plan = this.nats.plans[node];
    if (plan === undefined) throw new Error(`NATS node ${node} does not exist; this domain has nodes 0 to ${this.nats.plans.length - 1}`);
    return `http://${plan.host}:${plan.monitorPort}`;
  }

  /** Canonical names of every server of the domain, running or not. */
  get serverNames(): string[] {
    return [...this.servers.values()].map((server) => server.name);
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

  /** Base URL of a server's HTTP listener, e.g. http://127.0.0.1:40123. */
  async httpUrlOf(server: string): Promise<string> {
    const { http } = await this.health(server);
    if (http === undefined) throw new Error(`server ${server} has HTTP disabled; enable http in its topology entry`);
    return `http://${http}`;
  }

  dataDirOf(server: string): string {
    return this.server(server).dataDir;
  }

  pidOf(server: string): number {
    return this.server(server).pid;
  }

  /** True unless the test stopped or paused the server. */
  isRunning(server: string): boolean {
    this.server(server);
    return !this.faults.has(nameKey(server));
  }

  /**
   * Waits until every running server responds and contains the same replicas (equal digests),
   * and returns their health replies.
   *
   * @throws ConvergenceTimeoutError listing the differences at the deadline.
   */
  waitForConvergence(timeoutMs = 15_000): Promise<HealthReply[]> {
    return waitForConvergence(this.client, this.runningServers(), timeoutMs);
  }

  /**
   * Makes a change on `origin` and measures how long each other running server that hosts
   * a changed replica took to store it. A string is run as a console command at the origin
   * and must succeed.
   *
   * @throws LagTimeoutError naming the servers the change did not reach in time.
   */
  measureLag(origin: string, change: string, options?: MeasureLagOptions): Promise<LagMeasurement<ConsoleReply>>;
  measureLag<T>(origin: string, change: () => Promise<T>, options?: MeasureLagOptions): Promise<LagMeasurement<T>>;
  measureLag<T>(origin: string, change: string | (() => Promise<T>), options: MeasureLagOptions = {}): Promise<LagMeasurement<T | ConsoleReply>> {
    const run = typeof change === 'string' ? () => this.commandThatSucceeds(origin, change) : change;
    return measureLag<T | ConsoleReply>(this.client, origin, run, () => this.replicaHosts(), options);
  }

  /** Stops one server: SIGTERM by default, SIGKILL to simulate a crash. */
  async stopServer(server: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const entry = this.server(server);
    if (this.faults.get(nameKey(server)) === 'paused') entry.process.kill('SIGCONT');
    this.faults.set(nameKey(server), 'stopped');
    if (signal === 'SIGKILL') {
      entry.process.kill('SIGKILL');
      await new Promise((resolve) => (entry.process.exitCode !== null || entry.process.signalCode !== null ? resolve(undefined) : entry.process.once('exit', resolve)));
      return;
    }
    await terminate(entry.pid, STOP_GRACE_MS);
  }

  /** Kills one server with SIGKILL, as a crash or power loss would end it. */
  crashServer(server: string): Promise<void> {
    return this.stopServer(server, 'SIGKILL');
  }

  /** Freezes a server (SIGSTOP): it keeps its connections but responds to nothing until resumed. */
  pauseServer(server: string): void {
    const entry = this.server(server);
    if (this.faults.has(nameKey(server))) throw new Error(`server ${server} is already ${this.faults.get(nameKey(server))}`);
    entry.process.kill('SIGSTOP');
    this.faults.set(nameKey(server), 'paused');
  }

  resumeServer(server: string): void {
    const entry = this.server(server);
    if (this.faults.get(nameKey(server)) !== 'paused') throw new Error(`server ${server} is not paused; pauseServer pauses it`);
    entry.process.kill('SIGCONT');
    this.faults.delete(nameKey(server));
  }

  /** Starts a stopped server again on the same data directory and waits until it responds. */
  async startServer(server: string, timeoutMs = 30_000): Promise<void> {
    const entry = this.server(server);
    const child = spawnServerProcess({ dataDir: entry.dataDir, natsUrl: entry.natsUrl, stdio: ['ignore', 'ignore', 'pipe'], environment: this.environment });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    this.servers.set(nameKey(entry.name), { ...entry, pid: child.pid ?? -1, process: child, outputTail: () => stderr });
    this.faults.delete(nameKey(entry.name));
    await this.client.waitUntilAnswering(entry.name, timeoutMs).catch((error: unknown) => {
      throw new Error(`${entry.name} did not respond after restart: ${(error as Error).message}\n${stderr}`);
    });
  }

  /** Stops one NATS node (0-based); servers attached to it fail over to the other nodes. */
  async stopNatsNode(node: number): Promise<void> {
    this.natsMonitorUrl(node);
    await this.nats.stopNode(node);
  }

  /** Starts a stopped NATS node again on its ports and waits until its routes are up. */
  async startNatsNode(node: number): Promise<void> {
    this.natsMonitorUrl(node);
    await this.nats.startNode(node);
  }

  /**
   * Stops every NATS node and starts them again on their ports; servers reconnect by
   * themselves. `whileDown` runs while NATS is stopped, and its result is returned.
   */
  async restartNats<T = void>(whileDown?: () => Promise<T>): Promise<T | undefined> {
    const nodes = this.natsUrls.map((_url, index) => index);
    for (const node of nodes) await this.stopNatsNode(node);
    try {
      return await whileDown?.();
    } finally {
      for (const node of nodes) await this.startNatsNode(node);
    }
  }

  /**
   * Stops every server, then NATS (processes or containers), and removes the domain
   * directory unless DOMSIM_KEEP_TEST_DATA is set.
   */
  async stop(): Promise<void> {
    await this.client.close().catch(() => undefined);
    for (const [key, fault] of this.faults) {
      if (fault === 'paused') this.servers.get(key)?.process.kill('SIGCONT');
    }
    await Promise.all([...this.servers.values()].map((server) => terminate(server.pid, STOP_GRACE_MS)));
    await this.nats.stop();
    if (process.env.DOMSIM_KEEP_TEST_DATA === undefined) rmSync(this.root, { recursive: true, force: true });
  }

  /** Sets the fault on the link from one server to another, e.g. `latency 100ms drop 5%` or `clear`; `*` stands for every server. */
  async setLinkFault(from: string, to: string, fault: string): Promise<void> {
    await this.commandThatSucceeds(this.runningServers()[0], `sim fault ${from} ${to} ${fault}`);
  }

  /** Clears every link fault in the domain. */
  async heal(): Promise<void> {
    await this.commandThatSucceeds(this.runningServers()[0], 'sim heal');
  }

  /** Runs a console command and throws with its output unless it succeeded. */
  async commandThatSucceeds(server: string, command: string): Promise<ConsoleReply> {
    const reply = await this.command(server, command);
    if (!reply.ok) throw new Error(`${command} failed on ${abbreviate(server)} (${reply.code ?? 'no code'}): ${reply.lines.join(' | ')}`);
    return reply;
  }

  private runningServers(): string[] {
    return this.serverNames.filter((name) => !this.faults.has(nameKey(name)));
  }

  private async replicaHosts(): Promise<ReplicaHost[]> {
    const replies = await Promise.all(this.runningServers().map((server) => this.health(server)));
    return replies.map((reply) => ({ server: reply.server, replicas: reply.replicas }));
  }

  private server(server: string): RunningServer {
    const entry = this.servers.get(nameKey(server));
    if (entry === undefined) throw new Error(`server ${server} is not part of this test domain; its servers are ${this.serverNames.map(abbreviate).join(', ')}`);
    return entry;
  }
}
