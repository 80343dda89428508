/** The contract of scheduled digests: what goes to whom, when, and through which SMTP server. */
import { z } from 'zod';

export const deliverySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), dir: z.string().min(1).describe('PDFs land in <dir>/<site>/') }),
  z.object({ kind: z.literal('email'), to: z.array(z.string().email()).min(1) }),
  z.object({ kind: z.literal('webhook'), url: z.string().url().describe('receives a JSON POST with the PDF in base64') }),
]);

export const digestScheduleSchema = z.object({
  site: z.string().min(1),
  period: z.enum(['day', 'week', 'month']).default('day').describe('the digest covers the period before the run'),
  cron: z.string().min(9).default('0 7 * * *').describe("cron expression in the site's local time"),
  deliver: z.array(deliverySchema).min(1),
});

export const smtpSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  secure: z.boolean().default(false),
  from: z.string().min(3),
  user: z.string().optional(),
  password: z.string().optional(),
});

export const digestsConfigSchema = z.object({
  schedules: z.array(digestScheduleSchema).default([]),
  smtp: smtpSchema.optional(),
  /** A run that keeps failing is retried on later ticks this many times, then reported as failed for good. */
  maxAttempts: z.number().int().min(1).max(50).default(5),
  tickMs: z.number().int().min(1000).default(60_000),
});

export type Delivery = z.infer<typeof deliverySchema>;
export type DigestSchedule = z.infer<typeof digestScheduleSchema>;
export type SmtpConfig = z.infer<typeof smtpSchema>;
export type DigestsConfig = z.infer<typeof digestsConfigSchema>;
