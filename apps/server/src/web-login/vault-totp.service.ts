import { Inject, Injectable, Logger } from '@nestjs/common';

import { displayName, type Note, type ReplicaState, sameDatabasePath } from '@domsim/directory';
import { readVaultDocuments, type VaultDocument } from '@domsim/id-vault';
import {
  checkTotpGate,
  confirmEnrollment,
  EMPTY_TOTP_RECORD,
  hasTotpItems,
  offerEnrollment,
  readTotpRecord,
  readTotpSettings,
  removeDevice,
  replaceScratchCodes,
  type TotpContext,
  TotpError,
  type TotpOperation,
  type TotpRecord,
  type TotpResult,
  type TotpStatus,
  verifyLogin,
} from '@domsim/mfa';
import { abbreviate, canonicalize, InvalidNameError, tryNameKey } from '@domsim/names';

import type { ServerRuntime } from '../config/server-runtime';
import { DomainDirectoryService } from '../directory/domain-directory.service';
import { SERVER_RUNTIME } from '../tokens';
import { VaultKeyRepository } from './vault-key.repository';
import { VaultUserRepository } from './vault-user.repository';

/** One TOTP operation that a web server (this one or another) requests from this vault server. */
export interface VaultTotpRequest {
  /** Canonical vault name. */
  readonly vault: string;
  /** Canonical name of the web server the user logs in to. */
  readonly webServer: string;
  readonly operation: TotpOperation;
}

/** The vault server's side of TOTP: the gate, then enrollment, login and device changes on the user's vault document. */
@Injectable()
export class VaultTotpService {
  private readonly logger = new Logger('VaultTotp');

  constructor(
    @Inject(SERVER_RUNTIME) private readonly runtime: ServerRuntime,
    private readonly directory: DomainDirectoryService,
    private readonly keys: VaultKeyRepository,
    private readonly users: VaultUserRepository,
  ) {}

  /** True when this server hosts a replica of the vault database. */
  hostsVault(databasePath: string): boolean {
    return this.directory.vaultReplicas().some((replica) => sameDatabasePath(replica.info.path, databasePath));
  }

  /**
   * Runs an operation for a user who passed the web server's password check. The vault
   * document changes only when the operation succeeds.
   *
   * @throws TotpError for every rejection, with a message for the login page.
   */
  handle(request: VaultTotpRequest, now: Date = new Date()): TotpResult {
    const { vault, replica } = this.hostedVault(request.vault);
    const user = canonicalUser(request.operation.user);
    const names = this.directory.names();
    const settings = readTotpSettings(names, this.runtime.setup.server);
    const note = this.users.find(replica, user);

    const rejection = checkTotpGate({ names, vault, vaultServer: this.runtime.setup.server, webServer: request.webServer, settings, user, userInVault: note !== undefined, now });
    if (rejection !== undefined) throw rejection;
    const document = note as Note;

    const context: TotpContext = { key: this.keys.keyFor(vault.vaultName, vault.database), settings, user, issuer: this.runtime.setup.domain, account: abbreviate(user), now };
    const record = readTotpRecord(document);
    const operation = request.operation;
    const save = (changed: TotpRecord, change: string): void => {
      this.users.saveTotpRecord(replica, document, changed);
      this.logger.log(`${change} for ${abbreviate(user)} in vault ${displayName(vault.vaultName)}, requested by ${abbreviate(request.webServer)}`);
    };

    switch (operation.operation) {
      case 'status':
        return { operation: 'status', status: statusOf(record, context) };
      case 'offer': {
        const offer = offerEnrollment(record, context);
        return { operation: 'offer', secret: offer.secret, uri: offer.uri, ...offer.parameters };
      }
      case 'confirm': {
        const change = confirmEnrollment(record, context, { device: operation.device, secret: operation.secret, token: operation.token });
        save(change.record, `Enrolled TOTP device ${change.record.devices[change.record.devices.length - 1].name}`);
        return { operation: 'confirm', scratchCodes: [...change.result.scratchCodes], status: statusOf(change.record, context) };
      }
      case 'verify': {
        const change = verifyLogin(record, context, operation.code);
        save(change.record, change.result.method === 'token' ? `Accepted a TOTP token of device ${change.result.device}` : `Accepted a scratch code, ${change.result.scratchCodesLeft} left,`);
        return { operation: 'verify', ...change.result };
      }
      case 'delete-device': {
        const changed = removeDevice(record, context, operation.device.trim());
        save(changed, `Deleted TOTP device ${operation.device.trim()}`);
        return { operation: 'delete-device', status: statusOf(changed, context) };
      }
      case 'reset-scratch-codes': {
        const change = replaceScratchCodes(record, context);
        save(change.record, 'Replaced the scratch codes');
        return { operation: 'reset-scratch-codes', scratchCodes: [...change.result.scratchCodes] };
      }
    }
  }

  /**
   * Deletes all TOTP items of a user in every vault this server hosts, like Domino's
   * "Reset TOTP Items"; the user enrolls again at the next login. No gate applies. A user
   * without TOTP items gets no new revision, so replicas and digests stay as they are.
   *
   * @throws TotpError VAULT_NOT_HOSTED on a server without a vault, NOT_IN_VAULT for an unknown user.
   */
  resetUser(userInput: string): string[] {
    const user = canonicalUser(userInput);
    const replicas = this.directory.vaultReplicas();
    if (replicas.length === 0) {
      const servers = [...new Set(readVaultDocuments(this.directory.names()).flatMap((vault) => vault.servers.map(displayName)))];
      throw new TotpError('VAULT_NOT_HOSTED', `This server does not host an ID vault. Run sim totp reset at the console of an ID vault server${servers.length > 0 ? `: ${servers.join(', ')}` : ''}`);
    }

    const lines: string[] = [];
    for (const replica of replicas) {
      const note = this.users.find(replica, user);
      if (note === undefined) continue;
      if (!hasTotpItems(note.items)) {
        lines.push(`${abbreviate(user)} has no TOTP items in ${replica.info.path}: nothing to remove, so the vault document is unchanged`);
        continue;
      }
      const record = readTotpRecordOrEmpty(note);
      this.users.saveTotpRecord(replica, note, EMPTY_TOTP_RECORD);
      this.logger.log(`Reset the TOTP items of ${abbreviate(user)} in ${replica.info.path}`);
      lines.push(
        `TOTP items of ${abbreviate(user)} reset in ${replica.info.path}: ${record.devices.length} device(s) and ${record.scratchHashes.length} scratch code(s) removed; the user enrolls again at the next web login`,
      );
    }
    if (lines.length === 0) {
      throw new TotpError('NOT_IN_VAULT', `${abbreviate(user)} is not in an ID vault on this server; check the name, e.g. "totp user/mfatest1"`);
    }
    return lines;
  }

  private hostedVault(vaultName: string): { vault: VaultDocument; replica: ReplicaState } {
    const key = tryNameKey(vaultName);
    const vault = readVaultDocuments(this.directory.names()).find((candidate) => tryNameKey(candidate.vaultName) === key);
    const replica = vault === undefined ? undefined : this.directory.vaultReplicas().find((candidate) => sameDatabasePath(candidate.info.path, vault.database));
    if (vault === undefined || replica === undefined) {
      throw new TotpError('VAULT_NOT_HOSTED', `Server ${abbreviate(this.runtime.setup.server)} hosts no replica of ID vault ${displayName(vaultName)}; ask one of the vault's servers`);
    }
    return { vault, replica };
  }
}

function statusOf(record: TotpRecord, context: TotpContext): TotpStatus {
  return {
    devices: record.devices.map((device) => device.name),
    scratchCodesLeft: record.scratchHashes.length,
    maxDevices: context.settings.maxSecretsPerUser,
    scratchCodesEnabled: context.settings.scratchCodes,
  };
}

/** A damaged record is still reset, so an administrator can always recover the user. */
function readTotpRecordOrEmpty(note: Note): TotpRecord {
  try {
    return readTotpRecord(note);
  } catch (error) {
    if (error instanceof TotpError) return EMPTY_TOTP_RECORD;
    throw error;
  }
}

function canonicalUser(input: string): string {
  try {
    return canonicalize(input);
  } catch (error) {
    if (error instanceof InvalidNameError) {
      throw new TotpError('NOT_IN_VAULT', `"${input.slice(0, 60)}" is not a valid user name (${userNameReason(input, error)}); give the full name, e.g. "totp user/mfatest1"`);
    }
    throw error;
  }
}

/** The name check's reason, worded for a user name: its own example names a server. */
function userNameReason(input: string, error: InvalidNameError): string {
  return input.includes('/') || input.includes('=') ? error.reason : 'a user name needs a common name and an organization';
}
