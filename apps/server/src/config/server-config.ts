import { accessSync, constants } from 'node:fs';

import { z } from 'zod';

/**
 * The environment a server process reads at start. Every variable is checked before
 * anything starts; an invalid value stops the process with the variable and the reason.
 */
export const serverEnvironmentSchema = z.object({
  DOMSIM_DATA_DIR: z.string({ error: 'is required: the server data directory that holds server.json' }).min(1, 'must not be empty'),
  DOMSIM_NATS_URL: z
    .string({ error: 'is required: the NATS server to connect to, e.g. nats://127.0.0.1:4222' })
    .min(1, 'must not be empty')
    .refine((value) => value.split(',').every((url) => /^(nats|tls|ws|wss):\/\/[^\s/]+/.test(url.trim())), 'must be one or more nats:// URLs separated by commas'),
  /** NATS login: user and password, a token, or an NKey seed file. */
  DOMSIM_NATS_USER: z.string().min(1, 'must not be empty; unset it for a NATS server without logins').optional(),
  DOMSIM_NATS_PASSWORD: z.string().min(1, 'must not be empty').optional(),
  DOMSIM_NATS_TOKEN: z.string().min(1, 'must not be empty').optional(),
  DOMSIM_NATS_NKEY_SEED_FILE: readableFile('the file with the NKey seed (SU...) of this server').optional(),
  /** TLS to NATS: the CA that signed the NATS server's certificate, and this server's client certificate and key. */
  DOMSIM_NATS_CA_FILE: readableFile('a PEM file with the CA certificate of the NATS servers').optional(),
  DOMSIM_NATS_CERT_FILE: readableFile('a PEM file with the client certificate').optional(),
  DOMSIM_NATS_KEY_FILE: readableFile('a PEM file with the client key').optional(),
  DOMSIM_HTTP_HOST: z.string().min(1, 'must be an address to listen on, e.g. 127.0.0.1, or 0.0.0.0 for every interface').default('127.0.0.1'),
  DOMSIM_HTTP_PORT: z.coerce
    .number({ error: 'must be a TCP port number, 0-65535 (0 picks a free port)' })
    .int('must be a whole number')
    .min(0, 'must be a TCP port, 0-65535')
    .max(65535, 'must be a TCP port, 0-65535')
    .optional(),
  DOMSIM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], { error: 'must be one of fatal, error, warn, info, debug, trace' }).default('info'),
  DOMSIM_HEARTBEAT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds, e.g. 2000' })
    .int('must be a whole number of milliseconds')
    .min(50, 'must be at least 50 ms')
    .max(600_000, 'must be at most 600000 ms (10 minutes)')
    .default(2_000),
  /** Seeds the random choices of link faults, so a run can be replayed. */
  DOMSIM_FAULT_SEED: z.coerce
    .number({ error: 'must be a whole number from 0 to 2147483647' })
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(2 ** 31 - 1, 'must be at most 2147483647')
    .optional(),
  /** Replica cutoff interval; deletion stubs are purged after a third of it, as in Domino. */
  DOMSIM_CUTOFF_DAYS: z.coerce
    .number({ error: 'must be a number of days, e.g. 90 or 0.001' })
    .positive('must be a positive number of days, e.g. 90 or 0.001')
    .max(36_500, 'must be at most 36500 days')
    .default(90),
  /** Web login lockout: failed passwords or TOTP codes per user before the account is locked; 0 turns it off. */
  DOMSIM_LOCKOUT_MAX_TRIES: z.coerce
    .number({ error: 'must be a whole number of failed logins, e.g. 5, or 0 to turn the lockout off' })
    .int('must be a whole number')
    .min(0, 'must be at least 0 (0 turns the lockout off)')
    .max(1_000, 'must be at most 1000')
    .default(5),
  /** The window in which DOMSIM_LOCKOUT_MAX_TRIES failures lock the account. */
  DOMSIM_LOCKOUT_INTERVAL_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes, e.g. 60 or 0.5' })
    .positive('must be a positive number of minutes, e.g. 60 or 0.5')
    .max(525_600, 'must be at most 525600 minutes (a year)')
    .default(60),
  /** How long a locked account stays locked. */
  DOMSIM_LOCKOUT_EXPIRATION_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes, e.g. 15 or 0.1' })
    .positive('must be a positive number of minutes, e.g. 15 or 0.1')
    .max(525_600, 'must be at most 525600 minutes (a year)')
    .default(15),
}).superRefine((environment, context) => {
  const requires = (variable: keyof typeof environment, needs: keyof typeof environment, what: string) => {
    if (environment[variable] !== undefined && environment[needs] === undefined) {
      context.addIssue({ code: 'custom', path: [needs], message: `is required when ${variable} is set: ${what}` });
    }
  };
  requires('DOMSIM_NATS_USER', 'DOMSIM_NATS_PASSWORD', 'the password of the NATS user');
  requires('DOMSIM_NATS_PASSWORD', 'DOMSIM_NATS_USER', 'the NATS user the password belongs to');
  requires('DOMSIM_NATS_CERT_FILE', 'DOMSIM_NATS_KEY_FILE', 'the key of the client certificate');
  requires('DOMSIM_NATS_KEY_FILE', 'DOMSIM_NATS_CERT_FILE', 'the client certificate of the key');

});

export type ServerEnvironment = z.infer<typeof serverEnvironmentSchema>;

function readableFile(what: string) {
  return z.string().refine((path) => {
    try {
      accessSync(path, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  }, `must be the path of a readable file: ${what}`);
}

/** A server environment variable with an unusable value. */
export class InvalidEnvironmentError extends Error {
  readonly code = 'INVALID_ENVIRONMENT';

  constructor(readonly problems: ReadonlyArray<{ variable: string; value?: string; reason: string }>) {
    super(`invalid server configuration:\n${problems.map(describeProblem).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

function describeProblem(problem: { variable: string; value?: string; reason: string }): string {
  return problem.value === undefined ? `  ${problem.variable}: ${problem.reason}` : `  ${problem.variable}=${JSON.stringify(problem.value)}: ${problem.reason}`;
}

/** Variables the server reads; anything else in the environment is ignored. */
export const SERVER_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(serverEnvironmentSchema.shape);

export function readServerEnvironment(environment: NodeJS.ProcessEnv): ServerEnvironment {
  const result = serverEnvironmentSchema.safeParse(environment);
  if (!result.success) {
    throw new InvalidEnvironmentError(
      result.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(environment)');
        // NOTE: no variable of this schema contains a secret, so the rejected value is shown.
        return { variable, value: environment[variable], reason: issue.message };
      }),
    );
  }
  return result.data;
}
