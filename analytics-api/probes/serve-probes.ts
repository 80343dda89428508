/** The operator listener: /metrics, /healthz and /readyz on metrics.host:metrics.port (every service; the API moves /metrics there). */
import { Hono } from 'hono';
import type { RevisitConfig } from '../../common/config.ts';
import type { Readiness } from '../../common/health/check-readiness.ts';
import { listenHttp, type Listener } from '../listen-http.ts';
import { metricsRoute } from '../metrics/metrics-route.ts';
import { securityHeaders } from '../security-headers.ts';
import { probeRoutes } from './probe-routes.ts';

/** The listener's app. /metrics follows the API's rule (a token, or a loopback listener); /healthz and /readyz answer anyone who reaches the port. */
export function probeApp(metrics: RevisitConfig['metrics'], readiness: Readiness): Hono {
  const app = new Hono();
  app.use(securityHeaders());
  app.route('/', probeRoutes(readiness));
  app.route('/', metricsRoute(metrics, metrics.host));
  return app;
}

/** Listens when `metrics.port` is set (0 picks a free port), else returns null. */
export async function serveProbes(metrics: RevisitConfig['metrics'], readiness: Readiness): Promise<Listener | null> {
  return metrics.port === undefined ? null : listenHttp(probeApp(metrics, readiness).fetch, metrics.host, metrics.port);
}
