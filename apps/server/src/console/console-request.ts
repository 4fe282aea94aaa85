import { z } from 'zod';

import { MAX_COMMAND_LENGTH } from '@domsim/console';

/** A console request: the command with secrets masked, and the secrets sealed for this server. */
export const consoleRequestSchema = z.strictObject({
  command: z.string().max(MAX_COMMAND_LENGTH * 2),
  secrets: z
    .array(
      z.strictObject({
        token: z.number().int().min(0).max(1024),
        ephemeralKey: z.string().max(512),
        iv: z.string().max(64),
        ciphertext: z.string().max(MAX_COMMAND_LENGTH * 2),
        tag: z.string().max(64),
      }),
    )
    .max(16)
    .optional(),
  requestId: z.string().max(128).optional(),
});
