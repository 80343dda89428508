/** Query parameters of the report endpoints: local dates of the site, granularity, comparison, format. */
import { z } from 'zod';

const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'is not a calendar date',
  );

export const reportQuerySchema = z
  .object({
    from: localDate.describe("first local day of the site's time zone (inclusive)"),
    to: localDate.describe('local day after the last one (exclusive)'),
    granularity: z.enum(['hour', 'day', 'week']).default('day').describe('bucket size of time series'),
    compare: z
      .enum(['none', 'previous'])
      .default('none')
      .describe(
        '"previous" adds the same report for the period compared with (the same weekday last week for one day, else the period of equal length just before) and whether changes may be computed from it (`previous.complete`)',
      ),
    format: z.enum(['json', 'csv']).default('json').describe('csv flattens the main table of the report'),
  })
  .refine((q) => q.from < q.to, { message: '"from" must be before "to"', path: ['from'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS <= MAX_DAYS, {
    message: `range must be at most ${MAX_DAYS} days`,
    path: ['to'],
  });

export type ReportQuery = z.infer<typeof reportQuerySchema>;

/** Query of the digest endpoint: which period's PDF. */
export const digestQuerySchema = z.object({
  period: z.enum(['day', 'week', 'month']).default('day').describe('length of the period'),
  date: localDate.describe("a local date inside the period (the site's time zone); a period not begun is refused"),
});

export type DigestQuery = z.infer<typeof digestQuerySchema>;
