/** The HTTP app: health, metrics, the versioned analytics API and BI access, built without a server for tests. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { pingClickHouse, type ClickHouseClient } from '../storage/clickhouse/create-clickhouse-client.ts';
import type { Readiness } from '../common/health/check-readiness.ts';
import type { RevisitConfig } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { httpRequestsTotal } from '../common/metrics.ts';
import { apiError } from '../common/http/api-error.ts';
import { requireApiKey } from './auth/require-api-key.ts';
import { createPrincipalResolver } from './auth/resolve-principal.ts';
import { createRequestLimits, limitBeforeAuth, limitPerKey, type RequestLimits } from './auth/limit-requests.ts';
import { biRoute } from './bi/bi-route.ts';
import type { BiService } from './bi/open-bi-service.ts';
import type { ApiKeyStore } from './keys/api-key-store.ts';
import { buildOpenApi } from './openapi/build-openapi.ts';
import { calibrationRoute } from './routes/calibration-route.ts';
import { reportRoutes } from './routes/report-routes.ts';
import { dashboardRoutes } from './dashboard/dashboard-routes.ts';
import { integrationRoutes, type IntegrationDeps } from './integration/integration-routes.ts';
import { metricsRoute } from './metrics/metrics-route.ts';
import { watchCameraSilence } from './metrics/camera-silence-gauges.ts';
import { probeRoutes } from './probes/probe-routes.ts';
import { securityHeaders } from './security-headers.ts';

export interface AppDeps {
  config: RevisitConfig;
  clickhouse: ClickHouseClient;
  /** Keys managed by `revisit keys`; configuration keys work without it. */
  keyStore?: ApiKeyStore;
  /** Uploads and erasure; without them those routes do not exist (a read-only API). */
  integration?: IntegrationDeps;
  /** BI access (/bi/); without it that route does not exist. serveApi opens one. */
  bi?: BiService;
  /** Request limits shared with the BI listener (serveApi); created here when absent. */
  limits?: RequestLimits;
  /** What /readyz checks: every dependency the process uses (default: ClickHouse alone). */
  readiness?: Readiness;
  now?: () => number;
}

/** What the API's /readyz checks: the given dependencies, else ClickHouse. */
export function appReadiness({ clickhouse, readiness }: Pick<AppDeps, 'clickhouse' | 'readiness'>): Readiness {
  return readiness ?? { clickhouse: () => pingClickHouse(clickhouse) };
}

export function createApp({
  config,
  clickhouse,
  keyStore,
  integration,
  bi,
  readiness,
  limits = createRequestLimits(config.api),
  now = Date.now,
}: AppDeps) {
  const logger = createLogger('analytics-api');
  const resolvePrincipal = createPrincipalResolver(config.api.keys, keyStore);
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    // routePath is the matched pattern (/api/v1/sites/:site/…, /* for a miss), never the raw path: bounded labels.
    httpRequestsTotal.inc({ route: c.req.routePath, status: String(c.res.status) });
  });
  app.use(securityHeaders());
  app.use(
    bodyLimit({
      maxSize: config.api.maxBodyBytes,
      onError: (c) => apiError(c, 413, 'too_large', `request body over ${config.api.maxBodyBytes} bytes`),
    }),
  );
  if (config.api.corsOrigins.length)
    app.use(
      '/api/*',
      cors({ origin: config.api.corsOrigins, allowHeaders: ['Authorization', 'Content-Type', 'X-API-Key'] }),
    );
  // BI's confinement is detail: BI never makes the API unready. How busy its engines are is for /metrics, not for anyone.
  app.route(
    '/',
    probeRoutes(appReadiness({ clickhouse, readiness }), () =>
      bi ? { bi: { isolation: bi.status().isolation } } : {},
    ),
  );
  // With metrics.port, /metrics lives on its own listener (serveApi) and not here.
  if (config.metrics.port === undefined) app.route('/', metricsRoute(config.metrics, config.api.host));
  watchCameraSilence({ config, clickhouse, now });
  const openapi = buildOpenApi(process.env.npm_package_version ?? '0.1.0');
  app.get('/api/v1/openapi.json', (c) => c.json(openapi));

  const v1 = new Hono();
  v1.use(limitBeforeAuth(limits), requireApiKey(resolvePrincipal), limitPerKey(limits));
  v1.route('/', reportRoutes(config, clickhouse, now));
  v1.route('/', calibrationRoute(config, clickhouse, now));
  if (integration) v1.route('/', integrationRoutes(config, integration));
  app.route('/api/v1', v1);
  if (bi) app.route('/bi', biRoute(bi, resolvePrincipal, limits));
  app.route('/', dashboardRoutes());
  app.notFound((c) => apiError(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
  app.onError((err, c) => {
    logger.error({ err, path: c.req.path }, 'request failed');
    return apiError(c, 500, 'internal', 'internal error');
  });
  return app;
}
