/** The contract of scheduled digests: what goes to whom, when, and through which SMTP server. */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Cron } from 'croner';
import { z } from 'zod';

/** The parse error of a cron expression, or null when croner (the scheduler's parser) accepts it. */
function cronError(expression: string): string | null {
  try {
    new Cron(expression, { paused: true }).stop();
    return null;
  } catch (err) {
    return (err as Error).message.replace(/^CronPattern: /, '');
  }
}

const webhookSchema = z
  .object({
    kind: z.literal('webhook'),
    url: z.string().url().describe('receives a JSON POST with the PDF in base64; redirects are not followed'),
    allowHttp: z
      .boolean()
      .default(false)
      .describe('allow a plain http: URL (https: only by default: the PDF is tenant data)'),
  })
  .refine(
    (d) =>
      URL.canParse(d.url) &&
      (new URL(d.url).protocol === 'https:' || (d.allowHttp && new URL(d.url).protocol === 'http:')),
    {
      message: 'webhook url must be https: (http: only with "allowHttp": true)',
      path: ['url'],
    },
  );

export const deliverySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('folder'),
    dir: z
      .string()
      .min(1)
      .default('.')
      .describe('PDFs land in <digests.folderRoot>/<dir>/<site>/; relative to the root, or an absolute path inside it'),
  }),
  z.object({ kind: z.literal('email'), to: z.array(z.string().email()).min(1) }),
  webhookSchema,
]);

export const digestScheduleSchema = z.object({
  site: z.string().min(1),
  period: z.enum(['day', 'week', 'month']).default('day').describe('the digest covers the period before the run'),
  cron: z
    .string()
    .default('0 7 * * *')
    .superRefine((cron, ctx) => {
      const error = cronError(cron);
      if (error)
        ctx.addIssue({
          code: 'custom',
          message: `not a cron expression (e.g. "0 7 * * *" for 07:00 every day): ${error}`,
        });
    })
    .describe("cron expression in the site's local time, parsed when the configuration loads"),
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
  folderRoot: z
    .string()
    .min(1)
    .optional()
    .describe('Folder deliveries write only below this directory (never through a symlink); default <dataDir>/digests'),
  smtp: smtpSchema.optional(),
  /** A run that keeps failing is retried on later ticks this many times, then reported as failed for good. */
  maxAttempts: z.number().int().min(1).max(50).default(5),
  tickMs: z.number().int().min(1000).default(60_000),
});

export type Delivery = z.infer<typeof deliverySchema>;
export type DigestSchedule = z.infer<typeof digestScheduleSchema>;
export type SmtpConfig = z.infer<typeof smtpSchema>;
export type DigestsConfig = z.infer<typeof digestsConfigSchema>;

/** The absolute root folder deliveries are confined to. */
export function digestFolderRoot(dataDir: string, folderRoot?: string): string {
  return resolve(folderRoot ?? join(dataDir, 'digests'));
}

/** A folder delivery's directory as a path relative to the root, or null when it would leave the root. */
export function digestFolderPath(root: string, dir: string): string | null {
  const rel = relative(root, resolve(root, dir));
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? null : rel;
}
