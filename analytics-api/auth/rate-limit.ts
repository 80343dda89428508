/** A per-key token bucket: one noisy integration cannot starve the others. In-process, per API replica. */
import { createMiddleware } from 'hono/factory';
import { apiError } from '../api-error.ts';

export interface RateLimitOptions {
  requestsPerMinute: number;
  now?: () => number;
}

/** Buckets are keyed by the presented credential, else by the client address. */
export function rateLimit({ requestsPerMinute, now = Date.now }: RateLimitOptions) {
  const buckets = new Map<string, { tokens: number; atMs: number }>();
  const perMs = requestsPerMinute / 60_000;
  return createMiddleware(async (c, next) => {
    const who = c.req.header('authorization') ?? c.req.header('x-api-key') ?? c.req.header('x-forwarded-for') ?? 'anonymous';
    const t = now();
    const b = buckets.get(who) ?? { tokens: requestsPerMinute, atMs: t };
    b.tokens = Math.min(requestsPerMinute, b.tokens + (t - b.atMs) * perMs);
    b.atMs = t;
    if (b.tokens < 1) {
      c.header('retry-after', String(Math.ceil((1 - b.tokens) / perMs / 1000)));
      return apiError(c, 429, 'rate_limited', `more than ${requestsPerMinute} requests per minute`);
    }
    b.tokens -= 1;
    buckets.set(who, b);
    // Forget idle callers so the map cannot grow without bound.
    if (buckets.size > 10_000) for (const [k, v] of buckets) if (t - v.atMs > 60_000) buckets.delete(k);
    await next();
  });
}
