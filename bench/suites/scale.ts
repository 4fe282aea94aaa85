import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AppliedNotice } from '@domsim/client';
import { CertificateTypes } from '@domsim/directory';
import { trustCertificateUnid } from '@domsim/id-vault';
import { startDomain } from '@domsim/launcher';
import { createDomain, parseTopology } from '@domsim/topology';

import type { Result } from '../report';
import { now } from '../stats';
import { residentMegabytes } from './load';
import { benchTopology } from './topology-text';

/**
 * Runs `servers` servers in one Node process (`up --in-process`), each its own NestJS
 * application with its own log and NATS connections, and times a trust certificate from
 * server1 until every server stored it.
 */
export async function measureScale(servers: number): Promise<Result[]> {
  const root = mkdtempSync(join(tmpdir(), 'domsim-bench-scale-'));
  try {
    const manifest = createDomain(parseTopology(benchTopology(servers), 'bench topology'), join(root, 'domain'), { topologySource: 'bench' });
    const startedAt = now();
    const domain = await startDomain({ root: join(root, 'domain'), manifest, inProcess: true, environment: { DOMSIM_HEARTBEAT_MS: '10000' }, startTimeoutMs: 300_000 });
    const startMs = now() - startedAt;
    try {
      const unid = trustCertificateUnid(CertificateTypes.Mfa, 'O=mfatest1', 'O=renovationsvault', '*/O=mfatest1');
      const stored = new Set<string>();
      let all: (() => void) | undefined;
      const stop = domain.client.onApplied((notice: AppliedNotice) => {
        if (notice.revisions.some((revision) => revision.unid === unid)) stored.add(notice.server);
        if (stored.size === servers) all?.();
      });
      const done = new Promise<void>((resolve) => (all = resolve));
      const issued = now();
      const reply = await domain.client.runCommand(manifest.servers[0].name, 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo', 60_000);
      if (!reply.ok) throw new Error(`trustcert failed: ${reply.lines.join(' ')}`);
      await Promise.race([done, new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`only ${stored.size} of ${servers} servers stored the certificate`)), 60_000))]);
      const convergeMs = now() - issued;
      stop();
      const rss = residentMegabytes(domain.servers[0].pid);
      return [
        { suite: `scale, ${servers} servers in one process`, metric: 'trust certificate issued until every server stored it', value: convergeMs / 1000, unit: 's', target: { value: 2, better: 'lower' } },
        { suite: `scale, ${servers} servers in one process`, metric: 'start until every console answers', value: startMs / 1000, unit: 's' },
        { suite: `scale, ${servers} servers in one process`, metric: 'RSS of the host process', value: rss, unit: 'MB', note: `${(rss / servers).toFixed(1)} MB per server` },
      ];
    } finally {
      await domain.stop();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
