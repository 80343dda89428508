/** The HTTP app: health, metrics and the versioned analytics API, built without a server for tests. */
import { Hono } from 'hono';
import type { ClickHouseClient } from '@clickhouse/client';
import type { RevisitConfig } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { httpRequestsTotal, metricsRegistry } from '../common/metrics.ts';
import { apiError } from './api-error.ts';
import { requireApiKey } from './middleware/require-api-key.ts';
import { footfallRoute } from './routes/footfall-route.ts';

export interface AppDeps {
  config: RevisitConfig;
  clickhouse: ClickHouseClient;
}

export function createApp({ config, clickhouse }: AppDeps) {
  const logger = createLogger('analytics-api');
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    httpRequestsTotal.inc({ route: c.req.routePath, status: String(c.res.status) });
  });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const ok = (await clickhouse.ping()).success;
    return ok ? c.json({ status: 'ready' }) : apiError(c, 503, 'not_ready', 'ClickHouse is not reachable');
  });
  app.get('/metrics', async (c) => c.text(await metricsRegistry.metrics(), 200, { 'content-type': metricsRegistry.contentType }));
  const v1 = new Hono();
  v1.use(requireApiKey(config.api.keys));
  v1.route('/', footfallRoute(config, clickhouse));
  app.route('/api/v1', v1);
  app.notFound((c) => apiError(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
  app.onError((err, c) => {
    logger.error({ err, path: c.req.path }, 'request failed');
    return apiError(c, 500, 'internal', 'internal error');
  });
  return app;
}
