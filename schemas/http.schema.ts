/** Contracts of the HTTP API shared by every route: the error body, and the calibration query (report queries: report-query.schema.ts). */
import { z } from 'zod';

/** GET /api/v1/sites/:site/calibration: how many UTC days of the site's label-free score pairs to read. */
export const calibrationQuerySchema = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(90)
    .default(7)
    .describe("UTC days of the site's stream to estimate from, today included"),
});

export type CalibrationQueryParams = z.infer<typeof calibrationQuerySchema>;

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
