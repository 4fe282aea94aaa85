import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';

import { serverEntryPoint } from '@domsim/launcher';
import { type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

jest.setTimeout(60_000);

interface Exit {
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the server process with extra environment variables and arguments until it exits. */
function runServer(environment: Record<string, string>, args: readonly string[] = []): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [serverEntryPoint(), ...args], { env: { ...process.env, ...environment }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not exit within 20 s; its errors so far:\n${stderr}`));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('server configuration at start', () => {
  let domain: StartedTestDomain;
  let dataDir: string;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().withServers(1).start();
    dataDir = domain.dataDirOf('server1/renovations');
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it('exits 1 on an invalid port', async () => {
    const exit = await runServer({ DOMSIM_HTTP_PORT: '99999' }, ['--data', dataDir, '--nats', domain.natsUrl]);

    expect(exit.code).toBe(1);
    expect(exit.stderr).toBe('domsim server: invalid server configuration:\n  DOMSIM_HTTP_PORT="99999": must be a TCP port, 0-65535\n');
  });

  it('lists every invalid variable at once', async () => {
    const exit = await runServer({ DOMSIM_LOG_LEVEL: 'verbose', DOMSIM_HEARTBEAT_MS: '10' }, ['--data', dataDir, '--nats', domain.natsUrl]);

    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('  DOMSIM_LOG_LEVEL="verbose": must be one of fatal, error, warn, info, debug, trace\n');
    expect(exit.stderr).toContain('  DOMSIM_HEARTBEAT_MS="10": must be at least 50 ms\n');
  });

  it('exits 1 without a NATS URL', async () => {
    const environment = { DOMSIM_DATA_DIR: dataDir };

    const exit = await runServer(environment);

    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('DOMSIM_NATS_URL: is required: the NATS server to connect to, e.g. nats://127.0.0.1:4222');
  });

  it('exits 1 on an unknown argument', async () => {
    const exit = await runServer({}, ['--data', dataDir, '--port', '80']);

    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('unknown argument --port; the server accepts --data DIR and --nats URL');
  });

  it('exits 1 on a directory without server.json', async () => {
    const exit = await runServer({}, ['--data', domain.root, '--nats', domain.natsUrl]);

    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('server.json: the file is missing; this is not a server data directory');
  });

  it('exits 1 on a data directory in use', async () => {
    const running = await domain.health('server1/renovations');

    const exit = await runServer({}, ['--data', dataDir, '--nats', domain.natsUrl]);

    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(`cannot start: the data directory ${realpathSync(dataDir)} is in use by process ${running.pid} on host ${hostname()}`);
    expect(exit.stderr).toContain('stop that server first');
    expect((await domain.health('server1/renovations')).pid).toBe(running.pid);
  });
});
