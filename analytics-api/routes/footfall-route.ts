/**
 * GET /api/v1/sites/:site/footfall: unique visitors and visit starts per UTC hour over whole UTC
 * days, straight from the sightings, suppressed like every report. Deprecated: the reports under /sites/:site/reports/ are
 * the reference (dashboard, PDF and BI read them): they count visits by the versioned rules
 * (minimum visit, entry threshold, local days), so the two can differ slightly. Kept for
 * existing clients, and says so in every response.
 */
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { RevisitConfig } from '../../common/config.ts';
import { footfallQuerySchema } from '../../schemas/index.ts';
import { queryFootfallByHour, suppressFootfallByHour } from '../../reports/index.ts';
import { apiError } from '../../common/http/api-error.ts';
import { siteForPrincipal, siteRefusal, type AuthVariables } from '../auth/require-api-key.ts';

export function footfallRoute(config: RevisitConfig, clickhouse: ClickHouseClient) {
  return new Hono<{ Variables: AuthVariables }>().get(
    '/sites/:site/footfall',
    validator('query', (value, c) => {
      const parsed = footfallQuerySchema.safeParse(value);
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
        return apiError(c, 400, 'bad_request', 'invalid query parameters', details);
      }
      return parsed.data;
    }),
    async (c) => {
      const siteId = c.req.param('site');
      const site = siteForPrincipal(config.sites, siteId, c.get('principal'));
      if (typeof site === 'string') return siteRefusal(c, site, siteId);
      const { from, to } = c.req.valid('query');
      c.header('Deprecation', 'true');
      c.header('Link', `</api/v1/sites/${encodeURIComponent(siteId)}/reports/footfall>; rel="successor-version"`);
      const report = await queryFootfallByHour(clickhouse, { siteId, fromMs: from, toMs: to, visitGapMs: config.visits.visitGapMs });
      return c.json({ site: siteId, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...suppressFootfallByHour(report, config.privacy.minCount) });
    },
  );
}
