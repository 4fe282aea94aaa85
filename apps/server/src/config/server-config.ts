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
  DOMSIM_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  DOMSIM_HTTP_PORT: z.coerce.number().int('must be a whole number').min(0).max(65535, 'must be a TCP port, 0-65535').optional(),
  DOMSIM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  DOMSIM_HEARTBEAT_MS: z.coerce.number().int().min(50, 'must be at least 50 ms').max(600_000).default(2_000),
  /** Replica cutoff interval; deletion stubs are purged after a third of it, as in Domino. */
  /** Seeds the random choices of link faults, so a run can be replayed. */
  DOMSIM_FAULT_SEED: z.coerce.number().int().min(0).max(2 ** 31 - 1).optional(),
  DOMSIM_CUTOFF_DAYS: z.coerce.number().positive('must be a positive number of days, e.g. 90 or 0.001').max(36_500).default(90),
});

export type ServerEnvironment = z.infer<typeof serverEnvironmentSchema>;

/** A server environment variable with an unusable value. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: ReadonlyArray<{ variable: string; reason: string }>) {
    super(`invalid server configuration:\n${problems.map((problem) => `  ${problem.variable}: ${problem.reason}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

export function readServerEnvironment(environment: NodeJS.ProcessEnv): ServerEnvironment {
  const result = serverEnvironmentSchema.safeParse(environment);
  if (!result.success) {
    throw new InvalidEnvironmentError(result.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(environment)'), reason: issue.message })));
  }
  return result.data;
}
