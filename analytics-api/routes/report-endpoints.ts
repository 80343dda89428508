/** The report endpoints as data: one table drives the routes, the CSV export and the OpenAPI document. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteConfig } from '../../schemas/index.ts';
import type { ReportQuery } from '../../schemas/report-query.schema.ts';
import type { VisitRules } from '../../reid-worker/visits/visit-rules.ts';
import {
  queryDwellDistribution,
  queryFootfall,
  queryOccupancyNow,
  queryOccupancyOverDay,
  queryReturningVisitors,
  queryTopPaths,
  queryTransitions,
  type ReportRange,
} from '../../reports/index.ts';

export interface ReportContext {
  clickhouse: ClickHouseClient;
  site: SiteConfig;
  range: ReportRange;
  query: ReportQuery;
  rules: VisitRules;
  nowMs: number;
}

export interface ReportEndpoint {
  name: string;
  summary: string;
  run(ctx: ReportContext): Promise<Record<string, unknown>>;
  /** The rows a CSV export holds: the report's main table. */
  rows(result: Record<string, unknown>): Array<Record<string, unknown>>;
  /** Whether "compare=previous" makes sense (a point-in-time report does not compare). */
  comparable: boolean;
}

export const REPORT_ENDPOINTS: ReportEndpoint[] = [
  {
    name: 'footfall',
    summary: 'Unique visitors, visits, new and returning visits per hour, day or week',
    run: async (x) => ({ ...(await queryFootfall(x.clickhouse, x.range, x.query.granularity)) }),
    rows: (r) => r.buckets as Array<Record<string, unknown>>,
    comparable: true,
  },
  {
    name: 'dwell',
    summary: 'Dwell time of visits: percentiles and a histogram',
    run: async (x) => ({ ...(await queryDwellDistribution(x.clickhouse, x.range)) }),
    rows: (r) => r.histogram as Array<Record<string, unknown>>,
    comparable: true,
  },
  {
    name: 'returning',
    summary: 'Returning-visitor rate, visit frequency and days between visits',
    run: async (x) => ({ ...(await queryReturningVisitors(x.clickhouse, x.range)) }),
    rows: (r) => r.frequency as Array<Record<string, unknown>>,
    comparable: true,
  },
  {
    name: 'paths',
    summary: 'Most common camera sequences of visits (repeats collapsed)',
    run: async (x) => ({ ...(await queryTopPaths(x.clickhouse, x.range, 10)) }),
    rows: (r) => (r.paths as Array<{ path: string[]; visits: number; share: number }>).map((p) => ({ path: p.path.join(' > '), visits: p.visits, share: p.share })),
    comparable: true,
  },
  {
    name: 'transitions',
    summary: 'Camera-to-camera transitions of visits (Sankey-ready nodes and links)',
    run: async (x) => ({ ...(await queryTransitions(x.clickhouse, x.range)) }),
    rows: (r) => r.links as Array<Record<string, unknown>>,
    comparable: true,
  },
  {
    name: 'occupancy',
    summary: 'People inside now, and through the days of the range in 15-minute steps',
    run: async (x) => ({
      now: await queryOccupancyNow(x.clickhouse, { siteId: x.site.id, nowMs: x.nowMs, visitGapMs: x.rules.visitGapMs, entryMinMs: x.rules.entryMinMs }),
      overDay: await queryOccupancyOverDay(x.clickhouse, x.range),
    }),
    rows: (r) => r.overDay as Array<Record<string, unknown>>,
    comparable: false,
  },
];
