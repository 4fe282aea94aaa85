import { readFileSync } from 'node:fs';

import { type ConnectionOptions, nkeyAuthenticator } from 'nats';

import type { ServerEnvironment } from './server-config';

/**
 * The NATS servers and login every NATS connection of a server uses: user and password,
 * token or NKey, and TLS when a CA or client certificate is configured.
 */
export function natsConnectionOptions(environment: ServerEnvironment): Pick<ConnectionOptions, 'servers' | 'user' | 'pass' | 'token' | 'authenticator' | 'tls'> {
  const options: Pick<ConnectionOptions, 'servers' | 'user' | 'pass' | 'token' | 'authenticator' | 'tls'> = {
    servers: environment.DOMSIM_NATS_URL.split(',').map((url) => url.trim()),
  };
  if (environment.DOMSIM_NATS_USER !== undefined) {
    options.user = environment.DOMSIM_NATS_USER;
    options.pass = environment.DOMSIM_NATS_PASSWORD;
  }
  if (environment.DOMSIM_NATS_TOKEN !== undefined) options.token = environment.DOMSIM_NATS_TOKEN;
  if (environment.DOMSIM_NATS_NKEY_SEED_FILE !== undefined) {
    options.authenticator = nkeyAuthenticator(new TextEncoder().encode(readFileSync(environment.DOMSIM_NATS_NKEY_SEED_FILE, 'utf8').trim()));
  }
  if (environment.DOMSIM_NATS_CA_FILE !== undefined || environment.DOMSIM_NATS_CERT_FILE !== undefined) {
    options.tls = {
      caFile: environment.DOMSIM_NATS_CA_FILE,
      certFile: environment.DOMSIM_NATS_CERT_FILE,
      keyFile: environment.DOMSIM_NATS_KEY_FILE,
    };
  }
  return options;
}
