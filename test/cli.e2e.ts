import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { connect } from 'nats';

import { canConnect, isAlive, startNatsServer } from '@domsim/launcher';
import { eventually, startTestNats } from '@domsim/testing';

const CLI = join(__dirname, '..', 'bin', 'domsim.js');

jest.setTimeout(120_000);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function domsim(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input: options.input ?? '', env: { ...process.env, ...options.env }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface RecordedRun {
  servers: Array<{ pid: number }>;
  nats?: { pid: number };
  natsNodes?: Array<{ pid: number; url: string }>;
}

function recordedRun(data: string): RecordedRun {
  return JSON.parse(readFileSync(join(data, 'run.json'), 'utf8')) as RecordedRun;
}

/** Starts domsim without waiting for it, collecting its output. */
function startDomsim(args: readonly string[]): { child: ReturnType<typeof spawn>; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Processes whose command line mentions a path under `directory`. */
function processesUnder(directory: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').some((arg) => arg.startsWith(`${directory}/`));
      } catch {
        return false;
      }
    })
    .map(Number);
}

function recordedPids(data: string): number[] {
  const state = recordedRun(data);
  return [...state.servers.map((server) => server.pid), ...(state.nats === undefined ? [] : [state.nats.pid]), ...(state.natsNodes ?? []).map((node) => node.pid)];
}

describe('domsim CLI', () => {
  let workspace: string;
  let data: string;

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'domsim-cli-'));
    data = join(workspace, 'domain');
  });

  afterAll(() => {
    if (existsSync(join(data, 'run.json'))) domsim(['down', '--data', data]);
    rmSync(workspace, { recursive: true, force: true });
  });

  it('up --detach starts the default domain', () => {
    const run = domsim(['up', '--data', data, '--detach']);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Created domain renovations');
    expect(run.stdout).toContain('Every server holds the same directory.');
    expect(recordedPids(data).every(isAlive)).toBe(true);
  });

  it('up protects its private NATS server with a login', async () => {
    const state = JSON.parse(readFileSync(join(data, 'run.json'), 'utf8')) as { natsUrl: string; natsCredentials: { user: string; password: string } };

    const anonymous = await connect({ servers: state.natsUrl, maxReconnectAttempts: 0 }).then(
      (connection) => connection.close().then(() => 'connected'),
      (error: Error) => error.message,
    );
    const member = await connect({ servers: state.natsUrl, user: state.natsCredentials.user, pass: state.natsCredentials.password });
    await member.close();

    expect(anonymous).toMatch(/Authorization Violation/i);
    expect(state.natsCredentials.password.length).toBeGreaterThanOrEqual(24);
    expect(statSync(join(data, 'run.json')).mode & 0o077).toBe(0);
    for (const pid of recordedPids(data)) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(state.natsCredentials.password);
  });

  it('up refuses a domain that is already running', () => {
    const run = domsim(['up', '--data', data, '--detach']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('is already running');
    expect(run.stderr).toContain(`domsim down --data ${data}`);
  });

  it('exec issues the trust certificate', () => {
    const run = domsim(['exec', 'server1/renovations', 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo', '--data', data]);

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\[\d{6}:\d{6}-[0-9A-F]{16}\] \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d {3}MFA Trust created successfully\n$/);
  });

  it('exec exits 1 when the command fails', () => {
    const run = domsim(['exec', 'server1/renovations', 'mfamgmt create trustcert "*/O=mfatest1" cert.id wrong', '--data', data]);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Wrong Password.');
  });

  it('exec exits 2 for a server outside the domain', () => {
    const run = domsim(['exec', 'server9/renovations', 'show server', '--data', data]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('server server9/renovations is not in domain renovations; its servers are server1/renovations, server2/renovations, server3/renovations');
  });

  it('show idvault on server2 lists the trust', () => {
    const run = domsim(['exec', 'server2/renovations', 'show idvault', '--data', data]);

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('   /mfatest1 trusts /mfatest1 for MFA\n');
  });

  it('view lists the certificate on server3', () => {
    const table = domsim(['view', 'server3/renovations', 'names.nsf', 'Certificates', '--data', data]);
    const json = domsim(['view', 'server3/renovations', 'names.nsf', 'Certificates', '--data', data, '--json']);

    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/Multi-Factor Authentication Certificate +\/mfatest1 +\/renovationsvault +\*\/O=mfatest1 +\d\d\/\d\d\/\d{4}/);
    const rows = (JSON.parse(json.stdout) as { rows: Array<{ values: Record<string, string> }> }).rows;
    expect(rows.filter((row) => row.values.Type === 'Multi-Factor Authentication Certificate')).toHaveLength(1);
  });

  it('view names an unknown view and the existing ones', () => {
    const run = domsim(['view', 'server3/renovations', 'names.nsf', 'Nope', '--data', data]);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('View Nope not found in names.nsf; views of names.nsf: Certificates, Servers, People, Connections');
  });

  it('console runs piped commands and shows their output', () => {
    const run = domsim(['console', 'server2/renovations', '--data', data], { input: 'sh ta\nmfamgmt create trustcert "*/O=mfatest1" cert.id hunter2\n' });

    expect(run.status).toBe(1);
    expect(run.stdout).toContain('> sh ta');
    expect(run.stdout).toContain('Replicator               Idle');
    expect(run.stdout).toContain('> mfamgmt create trustcert "*/O=mfatest1" cert.id ********');
    expect(run.stdout).not.toContain('hunter2');
  });

  it('status reports agreeing replicas', () => {
    const run = domsim(['status', '--data', data, '--json']);

    expect(run.status).toBe(0);
    const status = JSON.parse(run.stdout) as { converged: boolean; servers: Array<{ health: { replication: { cluster: string; history: unknown[]; schedule: Array<{ destination: string }> } } }> };
    expect(status.converged).toBe(true);
    expect(status.servers[0].health.replication.cluster).toBe('renovations');
    expect(status.servers[2].health.replication.schedule).toEqual([expect.objectContaining({ destination: 'CN=server1/O=renovations', type: 'pull-push', intervalSeconds: 60 })]);
    expect(status.servers[1].health.replication.history.length).toBeGreaterThan(0);
  });

  it('exec - reads the command from standard input', () => {
    const run = domsim(['exec', 'server2/renovations', '-', '--data', data], { input: 'show idvault\n' });
    const empty = domsim(['exec', 'server2/renovations', '-', '--data', data], { input: '\n' });
    const twoLines = domsim(['exec', 'server2/renovations', '-', '--data', data], { input: 'show idvault\nshow server\n' });

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('/mfatest1 trusts /mfatest1 for MFA');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('standard input held no console command');
    expect(twoLines.status).toBe(2);
    expect(twoLines.stderr).toContain('standard input held 2 lines');
  });

  it('down stops every process and keeps the data', () => {
    const pids = recordedPids(data);

    const run = domsim(['down', '--data', data]);

    expect(run.status).toBe(0);
    expect(pids.some(isAlive)).toBe(false);
    expect(existsSync(join(data, 'run.json'))).toBe(false);
    expect(existsSync(join(data, 'servers', 'server3', 'eventlog.sqlite'))).toBe(true);
  });

  it('up restarts the same domain with its state', () => {
    const up = domsim(['up', '--data', data, '--detach']);
    const view = domsim(['view', 'server3/renovations', 'names.nsf', 'Certificates', '--data', data, '--json']);
    domsim(['down', '--data', data]);

    expect(up.status).toBe(0);
    expect(up.stdout).not.toContain('Created domain');
    const rows = (JSON.parse(view.stdout) as { rows: Array<{ values: Record<string, string> }> }).rows;
    expect(rows.filter((row) => row.values.Type === 'Multi-Factor Authentication Certificate')).toHaveLength(1);
  });

  it('exec on a stopped domain says how to start it', () => {
    const run = domsim(['exec', 'server1/renovations', 'show server', '--data', data]);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`the domain in ${data} is not running; start it with: domsim up --data ${data} --detach`);
  });

  it('up rejects an invalid topology with file, field and reason', () => {
    const topology = join(workspace, 'bad.yaml');
    writeFileSync(topology, 'domain: bad\norganizations:\n  - name: /bad\n    certifier: { server: s1/bad, idFile: cert.id, password: x }\nservers:\n  - name: s1\n    administrationServer: true\n');
    const target = join(workspace, 'bad-domain');

    const run = domsim(['up', '--data', target, '--topology', topology, '--detach']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${topology}: servers[0].name: a hierarchical name needs at least a common name and an organization`);
    expect(existsSync(target)).toBe(false);
  });

  it('up says how to install nats-server when it is missing', () => {
    const target = join(workspace, 'no-nats');

    const run = domsim(['up', '--data', target, '--detach'], { env: { DOMSIM_NATS_SERVER: join(workspace, 'missing', 'nats-server') } });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('nats-server was not found');
    expect(run.stderr).toContain('sudo apt-get install -y nats-server');
    expect(existsSync(target)).toBe(false);
  });

  it('demo narrates the flow with propagation times', () => {
    const run = domsim(['demo']);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('MFA Trust created successfully');
    expect(run.stdout).toMatch(/server2\/renovations +applied +\+\d+\.\d ms/);
    expect(run.stdout).toMatch(/server3\/renovations +applied +\+\d+\.\d ms/);
    expect(run.stdout).toContain('/mfatest1 trusts /mfatest1 for MFA   <- the new trust');
  });

  it('up --nats uses a running NATS server and down leaves it running', async () => {
    const nats = await startTestNats();
    const [url] = nats.urls;
    const target = join(workspace, 'external-nats');
    try {
      const up = domsim(['up', '--data', target, '--nats', url, '--detach']);
      const exec = domsim(['exec', 'server2/renovations', 'show server', '--data', target]);
      const down = domsim(['down', '--data', target]);

      expect(up.status).toBe(0);
      expect(up.stdout).toContain(`is up on NATS ${url}:\n`);
      expect(exec.status).toBe(0);
      expect(down.stdout).not.toContain('Stopped nats-server');
      expect(await canConnect('127.0.0.1', nats.plans[0].port)).toBe(true);
    } finally {
      await nats.stop();
    }
  });

  it('up --nats logs in with DOMSIM_NATS_USER', async () => {
    const login = { user: 'domain-admin', password: 'n4ts-Login-pw' };
    const nats = await startNatsServer({ authorization: login });
    const target = join(workspace, 'external-nats-login');
    const env = { DOMSIM_NATS_USER: login.user, DOMSIM_NATS_PASSWORD: login.password };
    try {
      const inUrl = domsim(['up', '--data', target, '--nats', nats.url.replace('nats://', `nats://${login.user}:${login.password}@`), '--detach']);
      const wrong = domsim(['up', '--data', target, '--nats', nats.url, '--detach'], { env: { ...env, DOMSIM_NATS_PASSWORD: 'wrong' } });
      rmSync(target, { recursive: true, force: true });
      const up = domsim(['up', '--data', target, '--nats', nats.url, '--detach'], { env });
      const runRecord = readFileSync(join(target, 'run.json'), 'utf8');
      const exec = domsim(['exec', 'server2/renovations', 'show server', '--data', target], { env });
      const down = domsim(['down', '--data', target], { env });

      expect(inUrl.status).toBe(2);
      expect(inUrl.stderr).toContain('contains a NATS login');
      expect(inUrl.stderr).not.toContain(login.password);
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toContain('the NATS server rejected the login');
      expect(up.status).toBe(0);
      expect(runRecord).not.toContain(login.password);
      expect(exec.status).toBe(0);
      expect(down.status).toBe(0);
    } finally {
      await nats.stop();
    }
  });

  it('up --nats-cluster 3 spreads the servers and survives a stopped node', async () => {
    const target = join(workspace, 'cluster');

    const up = domsim(['up', '--data', target, '--nats-cluster', '3', '--detach']);
    const nodes = recordedRun(target).natsNodes ?? [];
    process.kill(nodes[0].pid, 'SIGTERM');
    const exec = domsim(['exec', 'server1/renovations', 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo', '--data', target]);
    const show = await eventually(
      () => {
        const run = domsim(['view', 'server3/renovations', 'names.nsf', 'Certificates', '--data', target]);
        expect(run.stdout).toContain('*/O=mfatest1');
        return run;
      },
      { description: 'the certificate on server3, attached to another NATS node' },
    );
    const pids = recordedPids(target);
    const down = domsim(['down', '--data', target]);

    expect(up.status).toBe(0);
    expect(up.stdout).toContain('(private NATS cluster of 3 nodes)');
    expect(nodes).toHaveLength(3);
    expect(up.stdout).toMatch(new RegExp(`server1/renovations .* NATS ${nodes[0].url}\n`));
    expect(up.stdout).toMatch(new RegExp(`server2/renovations .* NATS ${nodes[1].url}\n`));
    expect(up.stdout).toMatch(new RegExp(`server3/renovations .* NATS ${nodes[2].url}\n`));
    expect(exec.status).toBe(0);
    expect(show.stdout).toMatch(/Multi-Factor Authentication Certificate +\/mfatest1/);
    expect(down.status).toBe(0);
    expect(down.stdout).toContain('Stopped nats-server node 2');
    expect(down.stdout).toContain('Stopped nats-server node 3');
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('server stop in an in-process domain stops one server', () => {
    const target = join(workspace, 'in-process');
    const up = domsim(['up', '--data', target, '--in-process', '--detach']);
    expect(up.status).toBe(0);
    try {
      const stop = domsim(['server', 'stop', 'server3/renovations', '--data', target]);
      const start = domsim(['server', 'start', 'server3/renovations', '--data', target]);
      const kill = domsim(['server', 'kill', 'server1/renovations', '--data', target]);
      const stillRunning = domsim(['exec', 'server2/renovations', 'show server', '--data', target]);
      const stopped = domsim(['exec', 'server3/renovations', 'show server', '--data', target, '--timeout', '2s']);
      const statusJson = domsim(['status', '--json', '--data', target]);
      const status = domsim(['status', '--data', target]);
      const reported = JSON.parse(statusJson.stdout) as { servers: Array<{ server: string; pid: number; running: boolean; answering: boolean; inProcessHost: boolean }> };
      const hostPid = recordedRun(target).servers[0].pid;

      expect(kill.status).toBe(0);
      expect(statusJson.status).toBe(0);
      expect(reported.servers.map((server) => [server.server, server.running, server.answering])).toEqual([
        ['CN=server1/O=renovations', false, false],
        ['CN=server2/O=renovations', true, true],
        ['CN=server3/O=renovations', false, false],
      ]);
      expect(reported.servers.every((server) => server.pid === hostPid && server.inProcessHost)).toBe(true);
      expect(status.status).toBe(0);
      expect(status.stdout).toMatch(new RegExp(`server1/renovations +pid ${hostPid} stopped`));
      expect(status.stdout).toMatch(new RegExp(`server3/renovations +pid ${hostPid} stopped`));

      expect(stop.status).toBe(0);
      expect(stop.stdout).toContain('Stopped server3/renovations inside the in-process host');
      expect(start.status).toBe(2);
      expect(start.stderr).toContain('cannot be started on its own');
      expect(stillRunning.status).toBe(0);
      expect(stopped.status).not.toBe(0);
      expect(stopped.stderr).toContain('server server3/renovations ');
      expect(stopped.stderr).not.toContain('CN=');
    } finally {
      domsim(['down', '--data', target]);
    }
  });

  it('status and nats stop on a stopped NATS', () => {
    const target = join(workspace, 'nats-stopped');
    expect(domsim(['up', '--data', target, '--detach']).status).toBe(0);
    try {
      const natsUrl = (JSON.parse(readFileSync(join(target, 'run.json'), 'utf8')) as { natsUrl: string }).natsUrl;
      const serverPids = recordedRun(target).servers.map((server) => server.pid);
      const stop = domsim(['nats', 'stop', '--data', target]);
      const status = domsim(['status', '--data', target]);
      const statusJson = domsim(['status', '--json', '--data', target]);
      const stopAgain = domsim(['nats', 'stop', '--data', target]);
      const exec = domsim(['exec', 'server1/renovations', 'show server', '--data', target]);
      const start = domsim(['nats', 'start', '--data', target]);
      const startAgain = domsim(['nats', 'start', '--data', target]);
      const statusAfter = domsim(['status', '--json', '--data', target]);
      const reported = JSON.parse(statusJson.stdout) as {
        nats: { url: string; reachable: boolean; error?: string; nodes: Array<{ running: boolean }> };
        servers: Array<{ pid: number; running: boolean; answering: boolean }>;
      };

      expect(stop.status).toBe(0);
      expect(status.status).toBe(1);
      expect(status.stderr).toBe('');
      expect(status.stdout).toContain(`NATS at ${natsUrl} is not reachable`);
      expect(status.stdout).toMatch(/NATS node 1: pid \d+, stopped/);
      for (const pid of serverPids) expect(status.stdout).toMatch(new RegExp(`server\\d/renovations +pid ${pid} not answering`));
      expect(status.stdout).toContain(`Start NATS again with: domsim nats start --data ${target}`);
      expect(status.stdout).not.toContain('(domsim status)');
      expect(statusJson.status).toBe(1);
      expect(reported.nats.url).toBe(natsUrl);
      expect(reported.nats.reachable).toBe(false);
      expect(reported.nats.error).toEqual(expect.any(String));
      expect(reported.nats.nodes.map((node) => node.running)).toEqual([false]);
      expect(reported.servers.map((server) => [server.pid, server.running, server.answering])).toEqual(serverPids.map((pid) => [pid, true, false]));
      expect(stopAgain.status).toBe(2);
      expect(stopAgain.stdout).toBe('');
      expect(stopAgain.stderr).toContain(`NATS node 1 is not running; start it with: domsim nats start --data ${target}`);
      expect(exec.status).toBe(1);
      expect(exec.stderr).toContain(`cannot connect to NATS at ${natsUrl}`);
      expect(exec.stderr).toContain('domsim nats start restarts its NATS server');
      expect(start.status).toBe(0);
      expect(startAgain.status).toBe(2);
      expect(startAgain.stderr).toContain('NATS node 1 is already running');
      expect(statusAfter.status).toBe(0);
      expect((JSON.parse(statusAfter.stdout) as { nats: { reachable: boolean } }).nats.reachable).toBe(true);
    } finally {
      domsim(['down', '--data', target]);
    }
  });

  it('up rejects --nats together with --nats-cluster', () => {
    const run = domsim(['up', '--data', join(workspace, 'both'), '--nats', 'nats://127.0.0.1:4222', '--nats-cluster', '3', '--detach']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--nats and --nats-cluster exclude each other');
  });

  it('up rejects a cluster of ten nodes', () => {
    const run = domsim(['up', '--data', join(workspace, 'ten'), '--nats-cluster', '10', '--detach']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('"10" is not a node count from 1 to 9');
  });

  it('setup creates a domain that up then starts', () => {
    const target = join(workspace, 'set-up');
    mkdirSync(join(target, 'servers', 'server2'), { recursive: true });

    const setup = domsim(['setup', '--data', target]);
    const again = domsim(['setup', '--data', target, '--if-missing']);
    const up = domsim(['up', '--data', target, '--detach']);
    const down = domsim(['down', '--data', target]);

    expect(setup.status).toBe(0);
    expect(setup.stdout).toContain('Created domain renovations');
    expect(setup.stdout).toContain('nothing was started');
    expect(existsSync(join(target, 'run.json'))).toBe(false);
    expect(existsSync(join(target, 'servers', 'server2', 'server.json'))).toBe(true);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already holds domain renovations; nothing to do.');
    expect(up.status).toBe(0);
    expect(up.stdout).not.toContain('Created domain');
    expect(down.status).toBe(0);
  });

  it('setup rejects a partly set up directory', () => {
    const target = join(workspace, 'partly');
    expect(domsim(['setup', '--data', target]).status).toBe(0);
    rmSync(join(target, 'domain.json'));
    rmSync(join(target, 'servers', 'server3', 'server.json'));

    const run = domsim(['setup', '--data', target, '--if-missing']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('is partly set up: servers/server1, servers/server2 hold server.json but servers/server3 do not');
  });

  it('up in the foreground streams consoles and stops on Ctrl-C', async () => {
    const target = join(workspace, 'foreground');
    const child = spawn(process.execPath, [CLI, 'up', '--data', target], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    await eventually(() => expect(output).toContain('Press Ctrl-C to stop the domain.'), { timeoutMs: 30_000, description: 'the foreground domain to start' });
    const pids = recordedPids(target);
    child.kill('SIGINT');
    const code = await exited;

    expect(code).toBe(0);
    expect(output).toMatch(/server3\/renovations \| \[\d{6}:\d{6}-[0-9A-F]{16}\] [\d/]+ [\d:]+ {3}Database Replicator started/);
    expect(output).toContain('Domain stopped; its data is kept.');
    expect(pids.some(isAlive)).toBe(false);
    expect(existsSync(join(target, 'run.json'))).toBe(false);
  });

  it('server kill and start, nats restart, fault and heal control a running domain', async () => {
    const target = join(workspace, 'controlled');
    expect(domsim(['up', '--data', target, '--detach']).status).toBe(0);
    try {
      const killed = domsim(['server', 'kill', 'server3/renovations', '--data', target]);
      const started = domsim(['server', 'start', 'server3/renovations', '--data', target]);
      const again = domsim(['server', 'start', 'server3/renovations', '--data', target]);
      const restarted = domsim(['nats', 'restart', '--data', target]);
      const fault = domsim(['fault', 'server1/renovations', '*', 'latency', '50ms', 'drop', '5%', '--data', target]);
      const bad = domsim(['fault', 'server1/renovations', 'server9/renovations', 'partition', '--data', target]);
      const badValues = [
        domsim(['fault', '*', '*', 'latency', '-5ms', '--data', target]),
        domsim(['fault', '*', '*', 'drop', '150%', '--data', target]),
        domsim(['fault', '*', '*', 'loss', '10%', '--data', target]),
        domsim(['fault', 'server1/renovations', 'server2/renovations', 'bogus', '--data', target]),
      ];
      const shown = await eventually(() => {
        const run = domsim(['exec', 'server2/renovations', 'sim show faults', '--data', target]);
        expect(run.stdout).toContain('server1/renovations -> *');
        return run;
      });
      const healed = domsim(['heal', '--data', target]);

      expect(killed.stdout).toMatch(/^Killed server3\/renovations \(pid \d+\) with SIGKILL\n$/);
      expect(started.status).toBe(0);
      expect(started.stdout).toMatch(/^Started server3\/renovations \(pid \d+\)\n$/);
      expect(again.status).toBe(2);
      expect(again.stderr).toContain('server3/renovations is already running');
      expect(restarted.status).toBe(0);
      expect(restarted.stdout).toMatch(/Stopped NATS node 1 \(pid \d+\)\nStarted NATS node 1 on nats:\/\/127\.0\.0\.1:\d+ \(pid \d+\)\n3 servers answer again\n/);
      expect(fault.status).toBe(0);
      expect(fault.stdout).toContain('Link server1/renovations -> *: latency 50ms drop 5%');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('server server9/renovations is not in domain renovations');
      expect(shown.stdout).toContain('server1/renovations -> *: latency 50ms drop 5%');
      expect(badValues.map((run) => run.status)).toEqual([2, 2, 2, 2]);
      expect(badValues[0].stderr).toContain('invalid fault "-5ms": a delay cannot be negative');
      expect(badValues[1].stderr).toContain('invalid fault "150%": a share lies between 0% and 100%');
      expect(badValues[2].stderr).toContain('invalid fault "loss": unknown fault kind; use partition, latency 100ms, jitter 20ms, drop 10%, duplicate 5%, reorder 10%, or clear');
      expect(badValues[3].stderr).toContain('invalid fault "bogus": unknown fault kind; use partition, latency 100ms');
      expect(shown.stdout).not.toContain('* -> *');
      expect(healed.stdout).toContain('Cleared 1 link faults');
    } finally {
      domsim(['down', '--data', target]);
    }
  });
  it('up stops every process on SIGTERM while starting', async () => {
    const target = join(workspace, 'interrupted');
    const up = startDomsim(['up', '--data', target, '--detach']);

    const pids = await eventually(
      () => {
        const recorded = recordedRun(target);
        expect(recorded.servers.length).toBeGreaterThan(0);
        return recordedPids(target);
      },
      { timeoutMs: 30_000, intervalMs: 10, description: 'run.json to record the first server' },
    );
    up.child.kill('SIGTERM');
    const code = await up.exited;

    expect(code).toBe(143);
    expect(up.output()).toContain('SIGTERM received while the domain was starting; every process it had started is stopped.');
    expect(pids.filter(isAlive)).toEqual([]);
    expect(processesUnder(target)).toEqual([]);
    expect(existsSync(join(target, 'run.json'))).toBe(false);
    expect(existsSync(join(target, 'domsim.lock'))).toBe(false);
  });

  it('down stops what a killed up had started', async () => {
    const target = join(workspace, 'killed-up');
    const up = startDomsim(['up', '--data', target, '--detach']);
    await eventually(() => expect(recordedRun(target).servers.length).toBeGreaterThan(0), { timeoutMs: 30_000, intervalMs: 10, description: 'run.json to record the first server' });
    up.child.kill('SIGKILL');
    await up.exited;
    const pids = recordedPids(target);

    const down = domsim(['down', '--data', target]);

    expect(down.status).toBe(0);
    expect(down.stdout).toContain('Stopped nats-server');
    expect(pids.filter(isAlive)).toEqual([]);
    expect(processesUnder(target)).toEqual([]);
    expect(existsSync(join(target, 'domsim.lock'))).toBe(false);
  });

  it('up in the foreground stops on SIGHUP', async () => {
    const target = join(workspace, 'hangup');
    const up = startDomsim(['up', '--data', target]);
    await eventually(() => expect(up.output()).toContain('Press Ctrl-C to stop the domain.'), { timeoutMs: 30_000, description: 'the foreground domain to start' });
    const pids = recordedPids(target);

    up.child.kill('SIGHUP');
    const code = await up.exited;

    expect(code).toBe(0);
    expect(up.output()).toContain('Domain stopped; its data is kept.');
    expect(pids.filter(isAlive)).toEqual([]);
    expect(existsSync(join(target, 'run.json'))).toBe(false);
  });

  it('demo stops its domain on SIGINT', async () => {
    const demo = startDomsim(['demo']);
    await eventually(() => expect(demo.output()).toMatch(/data in (\S+)\)/), { timeoutMs: 30_000, description: 'the demo domain to start' });
    const root = /data in (\S+)\)/.exec(demo.output())?.[1] as string;
    const pids = recordedPids(root);

    demo.child.kill('SIGINT');
    const code = await demo.exited;

    expect(code).toBe(130);
    expect(demo.output()).toContain('SIGINT received; the demo stopped every process it had started.');
    expect(pids.filter(isAlive)).toEqual([]);
    expect(existsSync(root)).toBe(false);
  });

  it('up rejects a second up on the same directory', async () => {
    const target = join(workspace, 'twice');
    const first = startDomsim(['up', '--data', target, '--detach']);
    const second = startDomsim(['up', '--data', target, '--detach']);

    const codes = [await first.exited, await second.exited].sort();
    const rejected = [first, second].find((run) => run.output().includes('is in use')) ?? first;
    const down = domsim(['down', '--data', target]);

    expect(codes).toEqual([0, 2]);
    expect(rejected.output()).toMatch(/the domain in \S+ is in use: domsim up \(pid \d+, since [\d\-T:.Z]+\) holds \S+domsim\.lock/);
    expect(down.status).toBe(0);
  });

  it('down and status explain a corrupt run.json', () => {
    const target = join(workspace, 'corrupt');
    expect(domsim(['setup', '--data', target]).status).toBe(0);
    writeFileSync(join(target, 'run.json'), '{"format": 1, "servers": [');

    const down = domsim(['down', '--data', target]);
    const status = domsim(['status', '--data', target]);
    const exec = domsim(['exec', 'server1/renovations', 'show server', '--data', target]);
    const forced = domsim(['down', '--data', target, '--force']);

    for (const run of [down, status, exec]) {
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`${join(target, 'run.json')} is not a valid record of a running domain: it is not valid JSON`);
      expect(run.stderr).toContain(`domsim down --data ${target} --force`);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
    expect(forced.status).toBe(0);
    expect(existsSync(join(target, 'run.json'))).toBe(false);
  });

  it('down --force stops processes a wrong-shaped run.json lost', () => {
    const target = join(workspace, 'lost-record');
    expect(domsim(['up', '--data', target, '--detach']).status).toBe(0);
    const pids = recordedPids(target);
    writeFileSync(join(target, 'run.json'), JSON.stringify({ format: 1, servers: 'gone' }));

    const down = domsim(['down', '--data', target]);
    const forced = domsim(['down', '--data', target, '--force']);

    expect(down.status).toBe(1);
    expect(down.stderr).toContain('run.json is not a valid record of a running domain: startedAt: Invalid input');
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain('found by its command line');
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('down leaves a reused supervisor pid alone', async () => {
    const target = join(workspace, 'reused-pid');
    expect(domsim(['setup', '--data', target]).status).toBe(0);
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    const pid = bystander.pid as number;
    writeFileSync(join(target, 'run.json'), JSON.stringify({ format: 1, startedAt: new Date().toISOString(), natsUrl: 'nats://127.0.0.1:1', servers: [], detached: false, supervisorPid: pid }));
    try {
      const down = domsim(['down', '--data', target]);

      expect(down.status).toBe(0);
      expect(isAlive(pid)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it.each([
    ['http://127.0.0.1:4222', 'has the scheme http: instead of nats: or tls:'],
    ['nats://:4222', 'has no host'],
    ['nats://127.0.0.1:99999', 'has the port "99999"'],
    ['127.0.0.1:4222', 'has no scheme'],
  ])('up rejects --nats %s before creating anything', (url, reason) => {
    const target = join(workspace, 'bad-nats');

    const run = domsim(['up', '--data', target, '--nats', url, '--detach']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`"${url}" ${reason}`);
    expect(run.stderr).toContain('e.g. nats://127.0.0.1:4222');
    expect(existsSync(target)).toBe(false);
  });

  it.each([
    ['0', '"0" is not positive'],
    ['-3', '"-3" is not a time'],
    ['2h', '"2h" is not a time'],
    ['90m', '"90m" is longer than the maximum'],
  ])('exec rejects --timeout %s', (value, reason) => {
    const run = domsim(['exec', 'server1/renovations', 'show server', '--data', data, `--timeout=${value}`]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`option '--timeout <duration>' argument '${value}' is invalid. ${reason}`);
  });

  it('up and setup reject a file as data directory', () => {
    const file = join(workspace, 'plain-file');
    writeFileSync(file, 'not a domain');

    const up = domsim(['up', '--data', file, '--detach']);
    const setup = domsim(['setup', '--data', file]);

    expect(up.status).toBe(2);
    expect(up.stderr).toContain(`--data ${file} is a file, not a directory`);
    expect(setup.status).toBe(2);
    expect(setup.stderr).toContain(`--data ${file} is a file, not a directory`);
  });

  it('exec checks the server name before connecting', () => {
    const run = domsim(['exec', 'server9/renovations', 'show server', '--data', data]);

    expect(existsSync(join(data, 'run.json'))).toBe(false);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('server server9/renovations is not in domain renovations');
  });

  it('unexpected errors print one line and the debug hint', () => {
    const file = join(workspace, 'not-a-parent');
    writeFileSync(file, '');
    const run = domsim(['up', '--data', join(file, 'domain'), '--detach']);
    const debug = domsim(['up', '--data', join(file, 'domain'), '--detach'], { env: { DOMSIM_DEBUG: '1' } });

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^domsim: unexpected error: .+ \(rerun with DOMSIM_DEBUG=1 to print the stack trace\)\n$/);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });

  it('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

    const run = domsim(['--version']);

    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it('unknown commands and options suggest the nearest', () => {
    const command = domsim(['stauts']);
    const option = domsim(['up', '--dta', join(workspace, 'x')]);

    expect(command.status).toBe(2);
    expect(command.stderr).toContain('(Did you mean status?)');
    expect(option.status).toBe(2);
    expect(option.stderr).toContain('(Did you mean --data?)');
  });
});
