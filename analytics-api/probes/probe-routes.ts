/** /healthz (the process answers) and /readyz (every dependency it uses answers), for orchestrators and load balancers. */
import { Hono } from 'hono';
import { checkReadiness, type Readiness } from '../../common/health/check-readiness.ts';

/**
 * `detail` adds fields to a ready answer (the API: how BI engines are confined). Nothing here
 * needs a key, so answers carry names and states only: no error text, no load figures.
 */
export function probeRoutes(readiness: Readiness, detail: () => Record<string, unknown> = () => ({})) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const { ready, checks } = await checkReadiness(readiness);
    return ready ? c.json({ status: 'ready', checks, ...detail() }) : c.json({ status: 'not_ready', checks }, 503);
  });
  return app;
}
