import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { CONSOLE_PRIVATE_KEY_FILE, CONSOLE_PUBLIC_KEY_FILE, generateConsoleKeyPair } from '@domsim/console';

import type { ServerRuntime } from '../config/server-runtime';
import { SERVER_RUNTIME } from '../tokens';

/**
 * The X25519 key clients seal console secrets with, so a password typed in `domsim exec`
 * never crosses NATS or HTTP in clear. Created on first start, kept in the data directory.
 */
@Injectable()
export class ConsoleKeyService {
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;

  constructor(@Inject(SERVER_RUNTIME) runtime: ServerRuntime) {
    const privateFile = join(runtime.dataDir, CONSOLE_PRIVATE_KEY_FILE);
    const publicFile = join(runtime.dataDir, CONSOLE_PUBLIC_KEY_FILE);
    if (existsSync(privateFile) && existsSync(publicFile)) {
      this.privateKeyPem = readFileSync(privateFile, 'utf8');
      this.publicKeyPem = readFileSync(publicFile, 'utf8');
      return;
    }
    const pair = generateConsoleKeyPair();
    writeFileSync(privateFile, pair.privateKeyPem, { mode: 0o600 });
    writeFileSync(publicFile, pair.publicKeyPem, { mode: 0o600 });
    this.privateKeyPem = pair.privateKeyPem;
    this.publicKeyPem = pair.publicKeyPem;
  }
}
