import { z } from 'zod';

import { MAX_SECRETS_PER_USER, MAX_SKEW_STEPS, MAX_STEP_SECONDS, MIN_SECRETS_PER_USER } from '@domsim/mfa';

const name = z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters');
const password = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');
const fileName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a plain file name such as cert.id, without directories');

const certifierSchema = z.strictObject({
  server: name,
  idFile: fileName,
  password,
});

const organizationSchema = z.strictObject({
  name,
  certifier: certifierSchema,
});

const serverSchema = z.strictObject({
  name,
  title: z.string().max(256).optional(),
  administrationServer: z.boolean().optional(),
  dataDir: z
    .string()
    .trim()
    .min(1)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must be a relative path inside the domain directory')
    .refine((value) => !value.split('/').includes('..'), 'must not contain ".."')
    .optional(),
  http: z
    .strictObject({
      enabled: z.boolean().optional(),
      port: z.number().int().min(0).max(65535).optional(),
      /** The web server's "Name & password" setting: no, yes, or yes-with-totp. */
      nameAndPassword: z.enum(['no', 'yes', 'yes-with-totp'], 'must be no, yes or yes-with-totp').optional(),
    })
    .optional(),
});

const personSchema = z.strictObject({
  name,
  administrator: z.boolean().optional(),
  internetAddress: z.email('must be an e-mail address').optional(),
  /** Stored only as a salted hash in the Person document. */
  internetPassword: password.optional(),
});

const vaultTrustSchema = z.strictObject({
  certifier: name,
  passwordResetAuthorities: z.array(name).optional(),
});

const vaultSchema = z.strictObject({
  name,
  description: z.string().max(256).optional(),
  servers: z.array(name).min(1, 'a vault needs at least one server'),
  administrationServers: z.array(name).optional(),
  administrators: z.array(name).optional(),
  designVersion: z.number().int().min(8, 'must be a Domino release such as 12').max(99).optional(),
  trust: z.array(vaultTrustSchema).optional(),
  securitySettings: z.array(z.string().trim().min(1).max(128)).optional(),
  /** Web servers the vault trusts for TOTP; default: every server with nameAndPassword yes-with-totp. */
  trustedWebServers: z.array(name).optional(),
  /** People whose IDs are in the vault; each gets a vault document. */
  users: z.array(name).optional(),
});

/** The TOTP fields of the Configuration Settings document. */
const totpSchema = z.strictObject({
  enabled: z.boolean().optional(),
  emergencyScratchCodes: z.boolean().optional(),
  maxSecretsPerUser: z.number().int().min(MIN_SECRETS_PER_USER).max(MAX_SECRETS_PER_USER).optional(),
  algorithm: z.enum(['SHA256', 'SHA1'], 'must be SHA256 or SHA1').optional(),
  stepSeconds: z.number().int().min(1).max(MAX_STEP_SECONDS).optional(),
  skewSteps: z.number().int().min(0).max(MAX_SKEW_STEPS).optional(),
});

const clusterSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 _-]*$/, 'must be letters, digits, spaces, "-" or "_"'),
  servers: z.array(name).min(2, 'a cluster needs at least two servers'),
});

const connectionSchema = z.strictObject({
  source: name,
  destination: name,
  type: z.string().optional(),
  interval: z.union([z.string(), z.number()]).optional(),
  window: z.string().optional(),
  databases: z.array(z.string().trim().min(1)).optional(),
  enabled: z.boolean().optional(),
});

/** The shape of a topology file, before names and cross-references are checked. */
export const topologyFileSchema = z.strictObject({
  domain: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(31, 'Domino domain names have at most 31 characters')
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be letters, digits, "-" or "_", e.g. renovations'),
  organizations: z.array(organizationSchema).min(1, 'a domain needs at least one organization'),
  servers: z.array(serverSchema).min(1, 'a domain needs at least one server'),
  people: z.array(personSchema).optional(),
  vaults: z.array(vaultSchema).optional(),
  clusters: z.array(clusterSchema).optional(),
  connections: z.array(connectionSchema).optional(),
  totp: totpSchema.optional(),
});

export type TopologyFile = z.infer<typeof topologyFileSchema>;
