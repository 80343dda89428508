/**
 * GET /api/v1/sites, /api/v1/sites/:site/reports/:name (JSON or CSV, optionally against the
 * previous period) and /api/v1/sites/:site/charts/:name (vega-lite specs with inline data).
 */
import { Hono, type Context } from 'hono';
import { validator } from 'hono/validator';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { RevisitConfig } from '../../common/config.ts';
import { previousRange, reportQuerySchema } from '../../schemas/report-query.schema.ts';
import { visitRulesFor } from '../../storage/visit-model/visit-rules.ts';
import { apiError } from '../../common/http/api-error.ts';
import { siteForPrincipal, unknownSite, sitesOf, type AuthVariables } from '../auth/require-api-key.ts';
import { CHART_ENDPOINTS } from './chart-endpoints.ts';
import { REPORT_ENDPOINTS, type ReportContext } from './report-endpoints.ts';
import { toCsv, withSuppressedColumn } from './to-csv.ts';

export function reportRoutes(config: RevisitConfig, clickhouse: ClickHouseClient, now: () => number = Date.now) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get('/sites', (c) => c.json({ sites: sitesOf(config.sites, c.get('principal')).map(({ id, name, timezone }) => ({ id, name, timezone })) }));

  const query = validator('query', (value, c) => {
    const parsed = reportQuerySchema.safeParse(value);
    if (!parsed.success) {
      return apiError(c, 400, 'bad_request', 'invalid query parameters', parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
    }
    return parsed.data;
  });

  /** The common part of every site endpoint: validated query, site scope, the report context. */
  const siteEndpoint = (path: string, handle: (ctx: ReportContext, c: Context<{ Variables: AuthVariables }>) => Promise<Response>) =>
    app.get(path, query, async (c) => {
      const siteId = c.req.param('site')!;
      const site = siteForPrincipal(config.sites, siteId, c.get('principal'));
      if (!site) return unknownSite(c, siteId);
      const q = c.req.valid('query');
      const range = { siteId: site.id, timeZone: site.timezone, from: q.from, to: q.to, entranceCameras: site.entranceCameras };
      return handle({ clickhouse, site, query: q, range, rules: visitRulesFor(config, site.id), nowMs: now(), minCount: config.privacy.minCount }, c);
    });

  for (const endpoint of REPORT_ENDPOINTS) {
    siteEndpoint(`/sites/:site/reports/${endpoint.name}`, async (ctx, c) => {
      const q = ctx.query;
      if (q.compare === 'previous' && !endpoint.comparable) return apiError(c, 400, 'bad_request', `the ${endpoint.name} report has no previous-period comparison`);
      if (q.format === 'csv' && q.compare === 'previous') return apiError(c, 400, 'bad_request', 'CSV holds one period: drop compare=previous');
      const result = await endpoint.run(ctx);
      if (q.format === 'csv') {
        c.header('content-disposition', `attachment; filename="${ctx.site.id}-${endpoint.name}-${q.from}-${q.to}.csv"`);
        return c.body(toCsv(withSuppressedColumn(endpoint.rows(result), result.suppressed as string[], endpoint.table)), 200, { 'content-type': 'text/csv; charset=utf-8' });
      }
      const before = previousRange(q);
      const previous = q.compare === 'previous' ? await endpoint.run({ ...ctx, range: { ...ctx.range, ...before } }) : undefined;
      return c.json({ site: ctx.site.id, timezone: ctx.site.timezone, from: q.from, to: q.to, report: result, ...(previous ? { previous: { ...before, report: previous } } : {}) });
    });
  }
  for (const chart of CHART_ENDPOINTS) {
    siteEndpoint(`/sites/:site/charts/${chart.name}`, async (ctx, c) => c.json(await chart.spec(ctx)));
  }
  return app;
}
