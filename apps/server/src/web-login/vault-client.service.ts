import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, type NatsConnection, type NatsError } from 'nats';

import { displayName } from '@domsim/directory';
import { openTotpReply, sealTotpRequest, TotpError, type TotpOperation, type TotpResultOf, type TotpVault, vaultsTrusting } from '@domsim/mfa';
import { nameKey } from '@domsim/names';

import type { ServerRuntime } from '../config/server-runtime';
import { DomainDirectoryService } from '../directory/domain-directory.service';
import { NATS_CONNECTION, SERVER_RUNTIME } from '../tokens';
import { totpSubject } from './totp-subjects';
import { VaultTotpService } from './vault-totp.service';

/** Timeout of a request to one vault server; after it the web server tries the next one. */
const VAULT_REQUEST_TIMEOUT_MS = 3_000;

const decoder = new TextDecoder();

/**
 * The web server's way to a vault: its own replica when it is a server of the vault,
 * otherwise the vault's servers over NATS, in the order the vault document lists them.
 */
@Injectable()
export class VaultClientService {
  private readonly logger = new Logger('VaultClient');

  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    private readonly directory: DomainDirectoryService,
    private readonly vaultTotp: VaultTotpService,
  ) {}

  /** The vaults that list this server as a trusted web server. */
  trustingVaults(): TotpVault[] {
    return vaultsTrusting(this.directory.names(), this.runtime.setup.server);
  }

  /**
   * Runs an operation at the vault.
   *
   * @throws TotpError with the vault's rejection, or VAULT_UNREACHABLE when no server of the vault responded.
   */
  async run<K extends TotpOperation['operation']>(vault: TotpVault, operation: Extract<TotpOperation, { operation: K }>): Promise<TotpResultOf<K>> {
    const self = this.runtime.setup.server;
    if (this.vaultTotp.hostsVault(vault.document.database)) {
      return this.vaultTotp.handle({ vault: vault.document.vaultName, webServer: self, operation }) as TotpResultOf<K>;
    }

    const failures: string[] = [];
    for (const server of vault.document.servers.filter((candidate) => nameKey(candidate) !== nameKey(self))) {
      const { request, replyPrivateKey } = sealTotpRequest(vault.transportKeyPem, { webServer: self, vault: vault.document.vaultName, now: new Date() }, operation);
      let data: Uint8Array;
      try {
        data = (await this.connection.request(totpSubject(this.runtime.subjects, server), JSON.stringify(request), { timeout: VAULT_REQUEST_TIMEOUT_MS })).data;
      } catch (error) {
        const reason = describeRequestError(error);
        this.logger.warn(`TOTP request to vault server ${displayName(server)} failed: ${reason}; trying the next vault server`);
        failures.push(`${displayName(server)}: ${reason}`);
        continue;
      }

      const result = openTotpReply(replyPrivateKey, request.requestId, parseJson(data));
      if (result.operation !== operation.operation) {
        throw new TotpError('INVALID_REQUEST', `invalid reply from vault server ${displayName(server)}: a ${result.operation} result for a ${operation.operation} request`);
      }
      return result as TotpResultOf<K>;
    }
    throw new TotpError(
      'VAULT_UNREACHABLE',
      `No server of ID vault ${displayName(vault.document.vaultName)} responded (${failures.join('; ') || 'the vault document lists no other server'}); try again later`,
    );
  }
}

function describeRequestError(error: unknown): string {
  const code = (error as NatsError).code;
  if (code === ErrorCode.NoResponders) return 'no responder: the server is down or hosts no vault';
  if (code === ErrorCode.Timeout) return `timed out after ${VAULT_REQUEST_TIMEOUT_MS} ms`;
  return error instanceof Error ? error.message : String(error);
}

function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
}
