/**
 * Prometheus /metrics of this process. Its figures span every tenant, so it is an operator's
 * endpoint: behind `metrics.token` when one is set; without a token it answers only on a loopback
 * listener (the API's or its own, `metrics.port`) and refuses with 403 on a public one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { RevisitConfig } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { metricsRegistry } from '../../common/metrics.ts';
import { isLoopbackHost } from '../../common/net/address-ranges.ts';
import { apiError } from '../../common/http/api-error.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** The /metrics route for a listener bound to `listenHost`. */
export function metricsRoute(metrics: RevisitConfig['metrics'], listenHost: string) {
  const app = new Hono();
  const expected = metrics.token === undefined ? null : sha256(metrics.token);
  const open = expected === null && isLoopbackHost(listenHost);
  if (expected === null && !open) {
    createLogger('metrics').warn(
      { listenHost },
      '/metrics answers 403 here: set metrics.token (REVISIT_METRICS_TOKEN) or metrics.port on a loopback host',
    );
  }
  app.get('/metrics', async (c) => {
    if (expected) {
      const presented = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
      // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first wrong byte.
      if (!presented || !timingSafeEqual(sha256(presented), expected)) {
        return apiError(c, 401, 'unauthenticated', 'send "Authorization: Bearer <metrics.token>"');
      }
    } else if (!open) {
      return apiError(
        c,
        403,
        'forbidden',
        `metrics on ${listenHost} need metrics.token (REVISIT_METRICS_TOKEN), or metrics.port on a loopback host`,
      );
    }
    return c.text(await metricsRegistry.metrics(), 200, { 'content-type': metricsRegistry.contentType });
  });
  return app;
}
