import 'reflect-metadata';

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { parse, parseAllDocuments } from 'yaml';

import { environmentFromArguments } from '../apps/server/src/config/server-arguments';
import { SERVER_ENVIRONMENT_VARIABLES, serverEnvironmentSchema } from '../apps/server/src/config/server-config';
import { HealthController } from '../apps/server/src/health/health.controller';
import { MetricsController } from '../apps/server/src/metrics/metrics.controller';
import { findNatsServerBinary, serverEntryPoint } from '@domsim/launcher';
import { defaultTopologyPath, loadTopology, packageRoot, parseTopology } from '@domsim/topology';

const ROOT = join(__dirname, '..');
const DEPLOY = join(ROOT, 'deploy');
const CLI = join(ROOT, 'bin', 'domsim.js');

jest.setTimeout(60_000);

/**
 * Problems with the settings a deployment file passes to a server: variables the server
 * does not read, values its configuration schema rejects, and unknown arguments.
 */
function serverSettingProblems(environment: Record<string, string>, args: readonly string[]): string[] {
  const problems = Object.keys(environment)
    .filter((variable) => !SERVER_ENVIRONMENT_VARIABLES.includes(variable))
    .map((variable) => `${variable} is not a server variable`);
  let fromArguments: Record<string, string> = {};
  try {
    fromArguments = environmentFromArguments(args);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const result = serverEnvironmentSchema.safeParse({ ...environment, ...fromArguments });
  if (!result.success) problems.push(...result.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`));
  return problems;
}

/** GET routes the server's health and metrics controllers serve, e.g. /health/ready. */
function serverRoutes(): string[] {
  return [HealthController, MetricsController].flatMap((controller) => {
    const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '').replace(/^\/|\/$/g, '');
    const prototype = controller.prototype as unknown as Record<string, object>;
    return Object.getOwnPropertyNames(prototype)
      .map((method) => prototype[method])
      .filter((handler) => typeof handler === 'function' && Reflect.getMetadata(METHOD_METADATA, handler) !== undefined)
      .map((handler) => `/${[prefix, String(Reflect.getMetadata(PATH_METADATA, handler))].filter((part) => part !== '' && part !== '/').join('/')}`);
  });
}

/** Runs `domsim ARGS` with every /domain path moved into a temporary directory. */
function runCliInto(args: readonly string[], domain: string, replacements: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const moved = args.map((arg) => replacements[arg] ?? arg.replace(/^\/domain/, domain));
  const run = spawnSync(process.execPath, [CLI, ...moved], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('serverSettingProblems', () => {
  it('accepts valid settings', () => {
    expect(serverSettingProblems({ DOMSIM_NATS_URL: 'nats://nats:4222', DOMSIM_HTTP_PORT: '8080' }, ['--data', '/data'])).toEqual([]);
  });

  it('finds every kind of mistake', () => {
    const problems = serverSettingProblems({ DOMSIM_NATS_URL: 'nats://nats:4222', DOMSIM_HTTP_PORT: '99999', DOMSIM_PORT: '1' }, ['--data', '/data', '--verbose']);

    expect(problems).toEqual([
      'DOMSIM_PORT is not a server variable',
      'unknown argument --verbose; the server accepts --data DIR and --nats URL, or the DOMSIM_* environment variables',
      'DOMSIM_DATA_DIR: is required: the server data directory that holds server.json',
      'DOMSIM_HTTP_PORT: must be a TCP port, 0-65535',
    ]);
  });
});

describe('deploy/Dockerfile', () => {
  const lines = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const instructions = lines.map((line) => ({ keyword: line.split(/\s+/)[0].toUpperCase(), rest: line.slice(line.indexOf(' ') + 1).trim() }));
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('builds on Node.js 20', () => {
    const images = instructions.filter((entry) => entry.keyword === 'FROM').map((entry) => entry.rest.split(/\s+/)[0]);

    expect(images).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    expect((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node).toMatch(/^>=20(\.\d+){0,2}$/);
  });

  it('copies only files the context contains', () => {
    const sources = instructions
      .filter((entry) => entry.keyword === 'COPY' && !entry.rest.startsWith('--from'))
      .flatMap((entry) => entry.rest.split(/\s+/).slice(0, -1));

    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
      expect(ignored).not.toContain(source);
    }
  });

  it('starts the built server entry point', () => {
    const entrypoint = JSON.parse(instructions.find((entry) => entry.keyword === 'ENTRYPOINT')?.rest ?? '[]') as string[];

    expect(entrypoint).toEqual(['node', relative(packageRoot(), serverEntryPoint())]);
  });

  it('sets only valid server variables', () => {
    const environment = Object.fromEntries(
      instructions
        .filter((entry) => entry.keyword === 'ENV')
        .flatMap((entry) => entry.rest.split(/\s+/))
        .map((pair) => pair.split('=') as [string, string])
        .filter(([name]) => name.startsWith('DOMSIM_')),
    );

    expect(Object.keys(environment).sort()).toEqual(['DOMSIM_DATA_DIR', 'DOMSIM_HTTP_HOST', 'DOMSIM_HTTP_PORT']);
    expect(serverSettingProblems({ ...environment, DOMSIM_NATS_URL: 'nats://nats:4222' }, [])).toEqual([]);
    const healthcheck = instructions.find((entry) => entry.keyword === 'HEALTHCHECK')?.rest ?? '';
    expect(healthcheck).toContain(`http://127.0.0.1:${environment.DOMSIM_HTTP_PORT}/health/live`);
    expect(serverRoutes()).toContain('/health/live');
  });
});

describe('deploy/nats cluster configuration', () => {
  it.each(['nats-1.conf', 'nats-2.conf', 'nats-3.conf'])('%s passes nats-server -t', (file) => {
    const run = spawnSync(findNatsServerBinary(), ['-t', '-c', join(DEPLOY, 'nats', file)], { encoding: 'utf8', env: { ...process.env, NATS_PASSWORD: 'test-only' } });

    expect(`${run.stdout}${run.stderr}`).toContain('is valid');
    expect(run.status).toBe(0);
  });

  it.each(['nats-1.conf', 'nats-2.conf', 'nats-3.conf'])('%s requires a login', (file) => {
    const text = readFileSync(join(DEPLOY, 'nats', file), 'utf8');

    expect(text).toMatch(/authorization \{\n  user: domsim\n  password: \$NATS_PASSWORD\n\}/);
  });

  it('nats-server -t rejects a broken file', () => {
    const directory = mkdtempSync(join(tmpdir(), 'domsim-nats-conf-'));
    try {
      writeFileSync(join(directory, 'broken.conf'), 'cluster {\n  listen: [\n}\n');

      const run = spawnSync(findNatsServerBinary(), ['-t', '-c', join(directory, 'broken.conf')], { encoding: 'utf8' });

      expect(run.status).not.toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('routes every node to the other two', () => {
    for (const node of [1, 2, 3]) {
      const text = readFileSync(join(DEPLOY, 'nats', `nats-${node}.conf`), 'utf8');
      const routes = [...text.matchAll(/nats-route:\/\/(nats\d):6222/g)].map((match) => match[1]).sort();

      expect(routes).toEqual([1, 2, 3].filter((other) => other !== node).map((other) => `nats${other}`));
      expect(text).toContain(`server_name: nats${node}`);
    }
  });
});

interface ComposeService {
  readonly image?: string;
  readonly command?: string[];
  readonly entrypoint?: string[];
  readonly environment?: Record<string, string>;
  readonly volumes?: string[];
}

describe('deploy/compose.yaml', () => {
  const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
  const servers = Object.entries(compose.services).filter(([name]) => /^server\d$/.test(name));
  const topology = loadTopology(defaultTopologyPath());

  it('runs one container per server of the default domain', () => {
    expect(servers.map(([name]) => name)).toEqual(['server1', 'server2', 'server3']);
    expect(servers).toHaveLength(topology.servers.length);
  });

  it('passes only valid settings to the servers', () => {
    for (const [name, service] of servers) {
      expect([name, serverSettingProblems(service.environment ?? {}, service.command ?? [])]).toEqual([name, []]);
    }
  });

  it('gives each server its own volume at its data directory', () => {
    const volumes = servers.map(([, service]) => {
      const mounts = (service.volumes ?? []).map((volume) => volume.split(':'));
      expect(mounts).toEqual([[expect.any(String), service.environment?.DOMSIM_DATA_DIR]]);
      return mounts[0][0];
    });

    expect(new Set(volumes).size).toBe(servers.length);
    for (const volume of volumes) expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('sets up each server volume at its topology data directory', () => {
    const setupMounts = Object.fromEntries((compose.services.setup.volumes ?? []).map((volume) => volume.split(':') as [string, string]));
    const serverVolumes = servers.map(([, service]) => (service.volumes ?? [])[0].split(':')[0]);

    expect(serverVolumes.map((volume) => setupMounts[volume])).toEqual(topology.servers.map((server) => `/domain/${server.dataDir}`));
  });

  it('attaches each server to a different NATS node first', () => {
    const urls = servers.map(([, service]) => (service.environment?.DOMSIM_NATS_URL ?? '').split(','));

    expect(urls.map((list) => list[0])).toEqual(['nats://nats1:4222', 'nats://nats2:4222', 'nats://nats3:4222']);
    for (const list of urls) expect([...list].sort()).toEqual(['nats://nats1:4222', 'nats://nats2:4222', 'nats://nats3:4222']);
  });

  it('mounts an existing configuration file into each NATS node', () => {
    for (const node of ['nats1', 'nats2', 'nats3']) {
      const service = compose.services[node];
      const [file, target] = (service.volumes ?? [])[0].split(':');

      expect(service.command).toEqual(['--config', target]);
      expect(existsSync(join(DEPLOY, file))).toBe(true);
    }
  });

  it('runs a setup command the CLI accepts, twice', () => {
    const command = (compose.services.setup.command ?? [])[0].split('&&')[0].trim().split(/\s+/);
    const domain = mkdtempSync(join(tmpdir(), 'domsim-compose-setup-'));
    try {
      expect(command.slice(0, 2)).toEqual(['node', 'bin/domsim.js']);

      const first = runCliInto(command.slice(2), domain);
      const second = runCliInto(command.slice(2), domain);

      expect(first.status).toBe(0);
      for (const server of topology.servers) expect(existsSync(join(domain, server.dataDir, 'server.json'))).toBe(true);
      expect(second.status).toBe(0);
      expect(second.stdout).toContain('nothing to do');
    } finally {
      rmSync(domain, { recursive: true, force: true });
    }
  });
});

interface KubernetesObject {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec?: Record<string, unknown>;
  readonly data?: Record<string, string>;
}

interface Container {
  readonly name: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  readonly ports?: Array<{ name: string; containerPort: number }>;
  readonly volumeMounts?: Array<{ name: string; mountPath: string }>;
  readonly livenessProbe?: { httpGet: { path: string; port: string } };
  readonly readinessProbe?: { httpGet: { path: string; port: string } };
  readonly startupProbe?: { httpGet: { path: string; port: string } };
}

interface PodSpec {
  readonly containers: Container[];
  readonly volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string }; configMap?: { name: string } }>;
}

describe('deploy/kubernetes', () => {
  const objects = ['topology-configmap.yaml', 'setup-job.yaml', 'server-statefulset.yaml'].flatMap((file) =>
    parseAllDocuments(readFileSync(join(DEPLOY, 'kubernetes', file), 'utf8')).map((document) => document.toJS() as KubernetesObject),
  );
  const find = (kind: string, name: string): KubernetesObject => {
    const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
    if (found === undefined) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
    return found;
  };
  const statefulSet = find('StatefulSet', 'domsim-server');
  const podSpec = (statefulSet.spec as { template: { spec: PodSpec } }).template.spec;
  const server = podSpec.containers[0];
  const topology = parseTopology(find('ConfigMap', 'domsim-topology').data?.['topology.yaml'] ?? '', 'domsim-topology ConfigMap');
  const job = find('Job', 'domsim-setup');
  const jobSpec = (job.spec as { template: { spec: PodSpec } }).template.spec;

  it('lists every manifest in the kustomization', () => {
    const kustomization = parse(readFileSync(join(DEPLOY, 'kubernetes', 'kustomization.yaml'), 'utf8')) as { resources: string[] };

    expect(kustomization.resources.sort()).toEqual(['server-statefulset.yaml', 'setup-job.yaml', 'topology-configmap.yaml']);
  });

  it('holds a valid topology in the ConfigMap', () => {
    expect(topology.servers.map((entry) => entry.name)).toEqual(loadTopology(defaultTopologyPath()).servers.map((entry) => entry.name));
  });

  it('passes only valid settings to the servers', () => {
    const environment = Object.fromEntries((server.env ?? []).map((entry) => [entry.name, entry.value ?? (entry.valueFrom === undefined ? '' : 'from-a-secret')]));

    expect(serverSettingProblems(environment, server.args ?? [])).toEqual([]);
    expect(environment.DOMSIM_NATS_USER).toBe('domsim');
    expect(server.env?.find((entry) => entry.name === 'DOMSIM_NATS_PASSWORD')?.valueFrom).toEqual({ secretKeyRef: { name: 'domsim-nats-login', key: 'password' } });
  });

  it('runs one pod per server with a volume at its data directory', () => {
    const dataDir = environmentFromArguments(server.args ?? []).DOMSIM_DATA_DIR;
    const templates = (statefulSet.spec as { volumeClaimTemplates: Array<{ metadata: { name: string } }> }).volumeClaimTemplates;

    expect((statefulSet.spec as { replicas: number }).replicas).toBe(topology.servers.length);
    expect(templates.map((template) => template.metadata.name)).toEqual(['data']);
    expect(server.volumeMounts).toEqual([{ name: 'data', mountPath: dataDir }]);
  });

  it('probes routes the server serves on its HTTP port', () => {
    const port = Number((server.env ?? []).find((entry) => entry.name === 'DOMSIM_HTTP_PORT')?.value);

    expect(server.ports).toEqual([{ name: 'http', containerPort: port }]);
    for (const probe of [server.livenessProbe, server.readinessProbe, server.startupProbe]) {
      expect(probe?.httpGet.port).toBe('http');
      expect(serverRoutes()).toContain(probe?.httpGet.path);
    }
    expect(server.readinessProbe?.httpGet.path).toBe('/health/ready');
  });

  it('sets up into the claims the StatefulSet adopts', () => {
    const claims = new Map((jobSpec.volumes ?? []).filter((volume) => volume.persistentVolumeClaim !== undefined).map((volume) => [volume.name, volume.persistentVolumeClaim?.claimName]));
    const mounts = jobSpec.containers[0].volumeMounts ?? [];

    const claimAtDataDir = topology.servers.map((entry) => claims.get(mounts.find((mount) => mount.mountPath === `/domain/${entry.dataDir}`)?.name ?? ''));
    expect(claimAtDataDir).toEqual(topology.servers.map((_entry, index) => `data-${statefulSet.metadata.name}-${index}`));
    for (const claim of claimAtDataDir) expect(find('PersistentVolumeClaim', claim ?? '').kind).toBe('PersistentVolumeClaim');
  });

  it('runs a setup command the CLI accepts with the ConfigMap topology', () => {
    const container = jobSpec.containers[0];
    const domain = mkdtempSync(join(tmpdir(), 'domsim-k8s-setup-'));
    try {
      const topologyFile = join(domain, 'topology.yaml');
      writeFileSync(topologyFile, find('ConfigMap', 'domsim-topology').data?.['topology.yaml'] ?? '');
      const mountPath = container.volumeMounts?.find((mount) => mount.name === 'topology')?.mountPath;

      const run = runCliInto(container.args ?? [], join(domain, 'domain'), { [`${mountPath}/topology.yaml`]: topologyFile });

      expect(container.command).toEqual(['node', 'bin/domsim.js']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(existsSync(join(domain, 'domain', 'servers', 'server3', 'server.json'))).toBe(true);
    } finally {
      rmSync(domain, { recursive: true, force: true });
    }
  });

  it('asks the NATS chart for a three-node cluster', () => {
    const values = parse(readFileSync(join(DEPLOY, 'kubernetes', 'nats-values.yaml'), 'utf8')) as { config: { cluster: { enabled: boolean; replicas: number } } };

    expect(values.config.cluster).toEqual({ enabled: true, replicas: 3 });
  });
});
