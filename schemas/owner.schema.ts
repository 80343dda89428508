/** Requests to the process that owns an embedded data directory, over its Unix socket (runtime/owner/). */
import { z } from 'zod';

const siteId = z.string().min(1).max(128);

/** Observations from a camera worker (`revisit ingest`) into the owner's bus; values are the encoded messages. */
export const ownerPublishSchema = z.object({
  topic: z.string().min(1),
  messages: z.array(z.object({ key: z.string().max(128), value: z.base64() })).max(10_000),
});

/** `revisit report`: the PDF digest of one period. */
export const ownerReportSchema = z.object({
  site: siteId,
  period: z.enum(['day', 'week', 'month']),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

/** `revisit forget`: the face's embedding (the command computes it from a photo). */
export const ownerErasureSchema = z.object({
  site: siteId,
  embedding: z.array(z.number()).min(16).max(4096),
});

/** `revisit enroll`: photos on this machine (absolute paths; the owner reads them), or a listing, or a removal. */
export const ownerEnrollSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('enroll'),
    site: siteId,
    label: z.string().min(1).max(32),
    files: z.array(z.string().min(1)).min(1).max(100),
  }),
  z.object({ action: z.literal('list'), site: siteId }),
  z.object({ action: z.literal('remove'), site: siteId, templateId: z.string().min(1).max(128) }),
]);

export type OwnerEnrollRequest = z.infer<typeof ownerEnrollSchema>;
