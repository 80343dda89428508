/** Contracts of the HTTP API: request parameters and the error body. */
import { z } from 'zod';

const DAY_MS = 24 * 3600_000;
const MAX_RANGE_MS = 366 * DAY_MS;

const instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO 8601 date or date-time, e.g. 2026-11-28 or 2026-11-28T09:00:00Z',
  })
  .transform((s) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));

// Whole UTC days only: two windows that differ by less than a day would be differenced to the
// few visits between their ends, which suppression of each window cannot prevent.
const wholeDay = { message: 'must be a whole UTC day (YYYY-MM-DD or T00:00:00Z): narrower windows could be differenced to single visits' };

export const footfallQuerySchema = z
  .object({ from: instant, to: instant })
  .refine((q) => q.from % DAY_MS === 0, { ...wholeDay, path: ['from'] })
  .refine((q) => q.to % DAY_MS === 0, { ...wholeDay, path: ['to'] })
  .refine((q) => q.from < q.to, { message: '"from" must be before "to"', path: ['from'] })
  .refine((q) => q.to - q.from <= MAX_RANGE_MS, { message: 'range must be at most 366 days', path: ['to'] });

export type FootfallQueryParams = z.infer<typeof footfallQuerySchema>;

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
