import { Module } from '@nestjs/common';

import type { ServerRuntime } from '../config/server-runtime';
import { SERVER_RUNTIME } from '../tokens';
import { DevicesController } from './devices.controller';
import { LoginController } from './login.controller';
import { LoginFlowService } from './login-flow.service';
import { LoginLockout, lockoutSettingsOf } from './login-lockout';
import { LoginSessions } from './login-sessions';
import { PersonRepository } from './person.repository';
import { VaultClientService } from './vault-client.service';
import { VaultKeyRepository } from './vault-key.repository';
import { VaultTotpResponder } from './vault-totp.responder';
import { VaultTotpService } from './vault-totp.service';
import { VaultUserRepository } from './vault-user.repository';

/**
 * Web login with TOTP: the login pages on every server with HTTP, and on vault servers the
 * TOTP operations that web servers request over NATS.
 */
@Module({
  controllers: [LoginController, DevicesController],
  providers: [
    { provide: LoginLockout, useFactory: (runtime: ServerRuntime) => new LoginLockout(lockoutSettingsOf(runtime.environment)), inject: [SERVER_RUNTIME] },
    LoginFlowService,
    LoginSessions,
    PersonRepository,
    VaultClientService,
    VaultKeyRepository,
    VaultTotpResponder,
    VaultTotpService,
    VaultUserRepository,
  ],
  exports: [VaultTotpService, LoginLockout, PersonRepository],
})
export class WebLoginModule {}
