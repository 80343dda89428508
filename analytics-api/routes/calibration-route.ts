/**
 * GET /api/v1/sites/:site/calibration: the site's re-identification error rates estimated from
 * its own stream without labels (reid-worker/calibration), per camera and camera pair, at the
 * configured thresholds, with a suggested threshold. Viewer role: the rates say how far to trust
 * the counts, which is what a manager reading them needs; they hold no personal data.
 */
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { RevisitConfig } from '../../common/config.ts';
import { queryLiveCalibration } from '../../reports/calibration/live-calibration.ts';
import { calibrationQuerySchema } from '../../schemas/index.ts';
import { apiError } from '../../common/http/api-error.ts';
import { siteForPrincipal, unknownSite, type AuthVariables } from '../auth/require-api-key.ts';

export function calibrationRoute(config: RevisitConfig, clickhouse: ClickHouseClient, now: () => number) {
  return new Hono<{ Variables: AuthVariables }>().get(
    '/sites/:site/calibration',
    validator('query', (value, c) => {
      const parsed = calibrationQuerySchema.safeParse(value);
      if (!parsed.success) {
        const details = parsed.error.issues.map((i: { path: PropertyKey[]; message: string }) => ({
          field: i.path.join('.'),
          message: i.message,
        }));
        return apiError(c, 400, 'bad_request', 'invalid query parameters', details);
      }
      return parsed.data;
    }),
    async (c) => {
      const siteId = c.req.param('site');
      const site = siteForPrincipal(config.sites, siteId, c.get('principal'));
      if (!site) return unknownSite(c, siteId);
      return c.json(await queryLiveCalibration(clickhouse, config, site.id, c.req.valid('query').days, now()));
    },
  );
}
