/** At most N image uploads decoding at once per API key: one integrator's burst cannot take every core from reports and other tenants. */
import { createMiddleware } from 'hono/factory';
import { apiError } from '../../common/http/api-error.ts';
import type { AuthVariables } from '../auth/require-api-key.ts';

/** Mount after authentication; keys with nothing in flight are not remembered. */
export function limitConcurrentUploads(maxPerKey: number) {
  const inFlight = new Map<string, number>();
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const key = c.get('principal').keyId;
    const running = inFlight.get(key) ?? 0;
    if (running >= maxPerKey)
      return apiError(c, 429, 'too_many_uploads', `at most ${maxPerKey} image uploads at a time per API key`);
    inFlight.set(key, running + 1);
    try {
      await next();
    } finally {
      const left = inFlight.get(key)! - 1;
      if (left > 0) inFlight.set(key, left);
      else inFlight.delete(key);
    }
  });
}
