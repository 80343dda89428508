/** The key file's format: the AES-256 master keys of a deployment that does not configure them. */
import { z } from 'zod';
import { keyIdSchema } from './config.schema.ts';

export const keyFileSchema = z
  .object({
    activeKeyId: keyIdSchema.describe('The key that seals; every listed key opens'),
    keys: z.record(keyIdSchema, z.string().min(1)).describe('kid → base64 of 32 random bytes'),
  })
  .refine((f) => f.activeKeyId in f.keys, { message: 'activeKeyId names no key of the file' });

export type KeyFile = z.infer<typeof keyFileSchema>;
