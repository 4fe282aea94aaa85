import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { DomainClient } from '@domsim/client';
import { CONSOLE_PUBLIC_KEY_FILE } from '@domsim/console';
import type { DomainManifest } from '@domsim/topology';

/**
 * Tells the client each server's console key from the data directories, so secrets are
 * sealed for the key on disk rather than for one a NATS peer claims. Servers that have not
 * started yet have no key file; the client then asks them.
 */
export function loadConsoleKeys(client: DomainClient, root: string, manifest: DomainManifest): void {
  for (const server of manifest.servers) {
    const file = join(root, server.dataDir, CONSOLE_PUBLIC_KEY_FILE);
    if (existsSync(file)) client.useConsoleKey(server.name, readFileSync(file, 'utf8'));
  }
}
