/** Contracts of the HTTP API: request parameters and the error body. */
import { z } from 'zod';

const MAX_RANGE_MS = 366 * 24 * 3600_000;

const instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO 8601 date or date-time, e.g. 2026-11-28 or 2026-11-28T09:00:00Z',
  })
  .transform((s) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));

export const footfallQuerySchema = z
  .object({ from: instant, to: instant })
  .refine((q) => q.from < q.to, { message: '"from" must be before "to"', path: ['from'] })
  .refine((q) => q.to - q.from <= MAX_RANGE_MS, { message: 'range must be at most 366 days', path: ['to'] });

export type FootfallQueryParams = z.infer<typeof footfallQuerySchema>;

/** GET /api/v1/sites/:site/calibration: how many UTC days of the site's label-free score pairs to read. */
export const calibrationQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(90).default(7).describe("UTC days of the site's stream to estimate from, today included"),
});

export type CalibrationQueryParams = z.infer<typeof calibrationQuerySchema>;

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
