/**
 * GET /api/v1/sites, /api/v1/sites/:site/reports/:name (JSON or CSV, optionally against the
 * previous period) and /api/v1/sites/:site/charts/:name (vega-lite specs with inline data).
 */
import { Hono, type Context } from 'hono';
import { validator } from 'hono/validator';
import type { ZodType } from 'zod';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { RevisitConfig } from '../../common/config.ts';
import { digestQuerySchema, reportQuerySchema } from '../../schemas/report-query.schema.ts';
import { buildDigestPdf, collectDigestData, digestPeriod } from '../../reports/digest/index.ts';
import {
  cameraStatuses,
  comparePeriods,
  periodStateOf,
  previousPeriodOf,
  publishCoveredFootfall,
  queryCameraCoverage,
} from '../../reports/index.ts';
import { localDate } from '../../storage/visit-model/local-day.ts';
import { visitRulesFor } from '../../storage/visit-model/visit-rules.ts';
import { createSiteErrorRates } from '../../reports/index.ts';
import { apiError } from '../../common/http/api-error.ts';
import { siteForPrincipal, unknownSite, sitesOf, type AuthVariables } from '../auth/require-api-key.ts';
import { CHART_ENDPOINTS } from './chart-endpoints.ts';
import { REPORT_ENDPOINTS, type ReportContext } from './report-endpoints.ts';
import { toCsv, withSuppressedColumn } from './to-csv.ts';

export function reportRoutes(config: RevisitConfig, clickhouse: ClickHouseClient, now: () => number = Date.now) {
  const app = new Hono<{ Variables: AuthVariables }>();
  const errorRatesOf = createSiteErrorRates(clickhouse, config, now);
  app.get('/sites', (c) =>
    c.json({
      sites: sitesOf(config.sites, c.get('principal')).map(({ id, name, timezone, simulated }) => {
        // The visit rules in words on the dashboard ("a visit ends after 30 min of absence").
        const { visitGapMs, minVisitMs, entryMinMs } = visitRulesFor(config, id);
        return {
          id,
          name,
          timezone,
          simulated: simulated ?? false,
          visitRules: { visitGapMs, minVisitMs, entryMinMs },
        };
      }),
    }),
  );
  app.get('/sites/:site/cameras', async (c) => {
    const site = siteForPrincipal(config.sites, c.req.param('site'), c.get('principal'));
    if (!site) return unknownSite(c, c.req.param('site'));
    const today = localDate(now(), site.timezone);
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const coverage = await queryCameraCoverage(
      clickhouse,
      { siteId: site.id, timeZone: site.timezone, from: today, to: tomorrow },
      site.cameras,
    );
    const silentAfterMs = config.coverage.cameraSilentAfterMs;
    return c.json({ site: site.id, silentAfterMs, cameras: cameraStatuses(coverage, now(), silentAfterMs) });
  });

  const query = validQuery(reportQuerySchema);

  /** The common part of every site endpoint: validated query, site scope, the report context. */
  const siteEndpoint = (
    path: string,
    handle: (ctx: ReportContext, c: Context<{ Variables: AuthVariables }>) => Promise<Response>,
  ) =>
    app.get(path, query, async (c) => {
      const siteId = c.req.param('site')!;
      const site = siteForPrincipal(config.sites, siteId, c.get('principal'));
      if (!site) return unknownSite(c, siteId);
      const q = c.req.valid('query');
      const nowMs = now();
      const today = localDate(nowMs, site.timezone);
      // A period that has not begun has no figures, not zeros.
      if (q.from > today)
        return apiError(
          c,
          400,
          'future_period',
          `the period starting ${q.from} has not begun (today is ${today} in ${site.timezone})`,
          [{ field: 'from', message: 'is in the future' }],
        );
      const range = {
        siteId: site.id,
        timeZone: site.timezone,
        from: q.from,
        to: q.to,
        entranceCameras: site.entranceCameras,
      };
      return handle(
        {
          clickhouse,
          site,
          query: q,
          range,
          rules: visitRulesFor(config, site.id),
          nowMs,
          minCount: config.privacy.minCount,
          cameras: site.cameras,
          errorRates: () => errorRatesOf(site.id),
        },
        c,
      );
    });

  const digestQuery = validQuery(digestQuerySchema);
  // The PDF digest of a period, as `revisit report` and the scheduler make it.
  app.get('/sites/:site/digest', digestQuery, async (c) => {
    const site = siteForPrincipal(config.sites, c.req.param('site'), c.get('principal'));
    if (!site) return unknownSite(c, c.req.param('site'));
    const q = c.req.valid('query');
    const period = digestPeriod(q.period, q.date);
    const today = localDate(now(), site.timezone);
    if (period.from > today)
      return apiError(
        c,
        400,
        'future_period',
        `the ${q.period} of ${q.date} has not begun (today is ${today} in ${site.timezone})`,
        [{ field: 'date', message: 'is in the future' }],
      );
    const data = await collectDigestData(clickhouse, site, period, config.privacy.minCount, {
      nowMs: now(),
      cameraSilentAfterMs: config.coverage.cameraSilentAfterMs,
    });
    c.header('content-disposition', `attachment; filename="digest-${site.id}-${period.kind}-${period.from}.pdf"`);
    return c.body(new Uint8Array(await buildDigestPdf(data)), 200, { 'content-type': 'application/pdf' });
  });

  for (const endpoint of REPORT_ENDPOINTS) {
    siteEndpoint(`/sites/:site/reports/${endpoint.name}`, async (ctx, c) => {
      const q = ctx.query;
      if (q.compare === 'previous' && !endpoint.comparable)
        return apiError(c, 400, 'bad_request', `the ${endpoint.name} report has no previous-period comparison`);
      if (q.format === 'csv' && q.compare === 'previous')
        return apiError(c, 400, 'bad_request', 'CSV holds one period: drop compare=previous');
      const [result, current] = await Promise.all([endpoint.run(ctx), publishCoveredFootfall(ctx, 'day')]);
      if (q.format === 'csv') {
        c.header('content-disposition', `attachment; filename="${ctx.site.id}-${endpoint.name}-${q.from}-${q.to}.csv"`);
        return c.body(
          toCsv(withSuppressedColumn(endpoint.rows(result), result.suppressed as string[], endpoint.table)),
          200,
          { 'content-type': 'text/csv; charset=utf-8' },
        );
      }
      const coverage = periodStateOf(current);
      const body = { site: ctx.site.id, timezone: ctx.site.timezone, from: q.from, to: q.to, coverage, report: result };
      if (q.compare !== 'previous') return c.json(body);
      const before = previousPeriodOf(q);
      const earlier = { ...ctx, range: { ...ctx.range, ...before } };
      const [previous, previousFootfall] = await Promise.all([
        endpoint.run(earlier),
        publishCoveredFootfall(earlier, 'day'),
      ]);
      const comparison = comparePeriods(before, coverage, periodStateOf(previousFootfall));
      return c.json({
        ...body,
        previous: { ...comparison, coverage: periodStateOf(previousFootfall), report: previous },
      });
    });
  }
  for (const chart of CHART_ENDPOINTS) {
    siteEndpoint(`/sites/:site/charts/${chart.name}`, async (ctx, c) => c.json(await chart.spec(ctx)));
  }
  return app;
}

/** A query validator for `schema`: 400 naming each field's problem, else the parsed query. */
function validQuery<T>(schema: ZodType<T>) {
  return validator('query', (value, c) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      return apiError(
        c,
        400,
        'bad_request',
        'invalid query parameters',
        parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
      );
    return parsed.data;
  });
}
