/** The contract of API keys: who a key belongs to and what it may do. */
import { z } from 'zod';

/** viewer reads analytics; integrator also posts observations; admin also erases and manages keys. */
export const apiRoleSchema = z.enum(['viewer', 'integrator', 'admin']);

export const apiKeyRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{8}$/),
  tenant: z.string().min(1).max(64),
  role: apiRoleSchema,
  /** Sites the key may read, or every site of its tenant. */
  sites: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)]),
  label: z.string().max(200).default(''),
  createdAtMs: z.number().int().positive(),
  revokedAtMs: z.number().int().positive().optional(),
});

export type ApiRole = z.infer<typeof apiRoleSchema>;
export type ApiKeyRecord = z.infer<typeof apiKeyRecordSchema>;

/** What a request is allowed to see, resolved from its key. */
export interface ApiPrincipal {
  keyId: string;
  tenant: string;
  role: ApiRole;
  sites: '*' | string[];
}
