/** Contracts of the HTTP API shared by every route: the error body (report queries: report-query.schema.ts). */

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
