/** The one error shape of the API: `{ error: { code, message, details } }`. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../../schemas/index.ts';

export function apiError(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  return c.json(body, status);
}
