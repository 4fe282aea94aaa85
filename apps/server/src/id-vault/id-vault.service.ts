import { Inject, Injectable, Logger } from '@nestjs/common';

import type { DirectoryStore } from '@domsim/directory';
import { MFA_TRUST_SUCCESS, planMfaTrust, showIdVaultLines, type TrustAnchors } from '@domsim/id-vault';

import { DIRECTORY_STORE } from '../directory/directory.tokens';
import { DomainDirectoryService } from '../directory/domain-directory.service';
import { TRUST_ANCHORS } from '../tokens';
import { IdFileRepository } from './id-file.repository';

export interface CreateTrustRequest {
  readonly pattern: string;
  readonly idFile: string;
  readonly password: string;
}

/** The ID vault commands of the console: `show idvault` and `mfamgmt create trustcert`. */
@Injectable()
export class IdVaultService {
  private readonly logger = new Logger('IdVault');

  constructor(
    @Inject(DIRECTORY_STORE) private readonly store: DirectoryStore,
    @Inject(TRUST_ANCHORS) private readonly anchors: TrustAnchors,
    private readonly directory: DomainDirectoryService,
    private readonly idFiles: IdFileRepository,
  ) {}

  showIdVault(): string[] {
    return showIdVaultLines({ server: this.directory.serverName, names: this.directory.names(), vaults: this.directory.vaultReplicas(), now: new Date() });
  }

  /**
   * Issues a Multi-Factor Authentication Certificate into names.nsf.
   *
   * @throws MfaTrustError when a precondition fails; nothing is saved then.
   */
  createMfaTrust(request: CreateTrustRequest): string[] {
    const plan = planMfaTrust(
      {
        server: this.directory.serverName,
        pattern: request.pattern,
        idFile: request.idFile,
        password: request.password,
        names: this.directory.names(),
        vaults: this.directory.vaultReplicas(),
        anchors: this.anchors,
        now: new Date(),
      },
      this.idFiles,
    );

    const [revision] = this.store.save(plan.database, [plan.change]);
    this.logger.log(`Created MFA trust ${plan.certifier} for ${plan.pattern} in vault ${plan.vaultName}, note ${revision.unid}`);
    return [MFA_TRUST_SUCCESS];
  }
}
