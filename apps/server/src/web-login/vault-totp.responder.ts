import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from 'nats';

import { readVaultDocuments } from '@domsim/id-vault';
import { MAX_REQUEST_AGE_MS, openTotpRequest, sealTotpReply, totpErrorReply, TotpError, type TotpReply } from '@domsim/mfa';
import { tryNameKey } from '@domsim/names';

import type { ServerRuntime } from '../config/server-runtime';
import { DomainDirectoryService } from '../directory/domain-directory.service';
import { NATS_CONNECTION, SERVER_RUNTIME } from '../tokens';
import { totpSubject } from './totp-subjects';
import { VaultKeyRepository } from './vault-key.repository';
import { VaultTotpService } from './vault-totp.service';

/** Requests larger than this are rejected before they are parsed. */
const MAX_REQUEST_BYTES = 32 * 1024;
/** Request ids remembered to reject a replayed request; older requests fail the age check anyway. */
const MAX_REMEMBERED_REQUESTS = 10_000;

const decoder = new TextDecoder();

/**
 * Responds to TOTP requests from web servers over NATS, on vault servers. Every message is
 * validated and opened with the vault key, and anything invalid gets an error reply.
 */
@Injectable()
export class VaultTotpResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('VaultTotpResponder');
  private readonly seen = new Map<string, number>();
  private subscription: Subscription | undefined;
  private rejected = 0;

  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    private readonly directory: DomainDirectoryService,
    private readonly keys: VaultKeyRepository,
    private readonly vaultTotp: VaultTotpService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.directory.vaultReplicas().length === 0) return;
    const subject = totpSubject(this.runtime.subjects, this.runtime.setup.server);
    this.subscription = this.connection.subscribe(subject, { callback: (error, msg) => (error === null ? this.answer(msg) : this.logger.warn(`TOTP subscription error: ${error.message}`)) });
    await this.connection.flush();
    this.logger.log(`Responding to TOTP requests on ${subject}`);
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private answer(msg: Msg): void {
    if (msg.reply === undefined || msg.reply === '') return;
    const reply = this.replyTo(msg.data);
    msg.respond(JSON.stringify(reply));
  }

  private replyTo(data: Uint8Array): TotpReply {
    const now = new Date();
    let webServer = '(unknown)';
    try {
      if (data.byteLength > MAX_REQUEST_BYTES) throw new TotpError('INVALID_REQUEST', `invalid TOTP request: ${data.byteLength} bytes, at most ${MAX_REQUEST_BYTES}`);
      const raw = parseJson(data);
      const vaultName = typeof raw === 'object' && raw !== null && 'vault' in raw ? String((raw as { vault: unknown }).vault) : '';
      const vault = readVaultDocuments(this.directory.names()).find((candidate) => tryNameKey(candidate.vaultName) === tryNameKey(vaultName));
      if (vault === undefined || !this.vaultTotp.hostsVault(vault.database)) {
        throw new TotpError('VAULT_NOT_HOSTED', `invalid TOTP request: this server hosts no ID vault named "${vaultName.slice(0, 80)}"`);
      }

      const { request, operation } = openTotpRequest(this.keys.keyFor(vault.vaultName, vault.database), raw, now);
      // NOTE: the web server is the one the request names. NATS does not authenticate the
      // sender here, so any client of the domain's NATS account can claim a trusted name.
      webServer = request.webServer;
      this.rememberOnce(request.requestId, now);
      return sealTotpReply(request, this.vaultTotp.handle({ vault: vault.vaultName, webServer: request.webServer, operation }, now));
    } catch (error) {
      return this.errorReply(error, webServer);
    }
  }

  private rememberOnce(requestId: string, now: Date): void {
    for (const [id, seenAt] of this.seen) {
      if (now.getTime() - seenAt <= 2 * MAX_REQUEST_AGE_MS && this.seen.size < MAX_REMEMBERED_REQUESTS) break;
      this.seen.delete(id);
    }
    if (this.seen.has(requestId)) throw new TotpError('INVALID_REQUEST', `invalid TOTP request: request ${requestId} was already processed`);
    this.seen.set(requestId, now.getTime());
  }

  private errorReply(error: unknown, webServer: string): TotpReply {
    if (error instanceof TotpError) {
      this.rejected += 1;
      this.logger.warn(`Rejected a TOTP request from ${webServer}: ${error.code} (${this.rejected} rejected since start)`);
      return totpErrorReply(error);
    }
    this.logger.error(`TOTP request from ${webServer} failed inside the server`, error instanceof Error ? error.stack : String(error));
    return totpErrorReply(new TotpError('INTERNAL_ERROR', 'The vault server failed to process the TOTP request; see its server log'));
  }
}

function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    throw new TotpError('INVALID_REQUEST', 'invalid TOTP request: the message is not JSON');
  }
}
