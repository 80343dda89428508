/**
 * The report endpoints as data: one table drives the routes, the CSV export and the OpenAPI
 * document. Every report is published through the suppression rule (reports/privacy): what a
 * key reads here is what the dashboard, the charts and the PDF show.
 */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { SiteConfig } from '../../schemas/index.ts';
import type { ReportQuery } from '../../schemas/report-query.schema.ts';
import type { VisitRules } from '../../storage/visit-model/visit-rules.ts';
import {
  publishCapture,
  publishDwell,
  publishCoveredFootfall,
  publishOccupancy,
  publishReturning,
  publishTopPaths,
  publishTransitions,
  type ReportRange,
  type SiteErrorRates,
} from '../../reports/index.ts';

/** Everything a report endpoint needs; it is also the PublishContext of reports/privacy. */
export interface ReportContext {
  clickhouse: ClickHouseClient;
  site: SiteConfig;
  range: ReportRange;
  query: ReportQuery;
  rules: VisitRules;
  nowMs: number;
  /** privacy.minCount: counts from 1 to minCount − 1 are hidden. */
  minCount: number;
  /** The site's configured cameras (coverage expects each of them); unset: those heard from. */
  cameras?: string[];
  /** The site's rates behind the error bars of visitors, visits and the returning rate. */
  errorRates?: () => Promise<SiteErrorRates>;
}

export interface ReportEndpoint {
  name: string;
  summary: string;
  run(ctx: ReportContext): Promise<Record<string, unknown>>;
  /** The rows a CSV export holds: the report's main table. */
  rows(result: Record<string, unknown>): Array<Record<string, unknown>>;
  /** The JSON Pointer of that table in the report, to name each CSV row's hidden fields. */
  table: string;
  /** Whether "compare=previous" makes sense (a point-in-time report does not compare). */
  comparable: boolean;
}

export const REPORT_ENDPOINTS: ReportEndpoint[] = [
  {
    name: 'footfall',
    summary:
      'Unique visitors, visits, new and returning visits per hour, day or week, each bucket with its camera coverage (null figures: no camera watched it); visits include people seen at an entrance but not identified (unidentifiedVisits), identifiedShare is what returning rates and paths rest on',
    run: async (x) => ({ ...(await publishCoveredFootfall(x, x.query.granularity)) }),
    rows: (r) => r.buckets as Array<Record<string, unknown>>,
    table: '/buckets',
    comparable: true,
  },
  {
    name: 'dwell',
    summary: 'Dwell time of visits: percentiles and a histogram',
    run: async (x) => ({ ...(await publishDwell(x)) }),
    rows: (r) => r.histogram as Array<Record<string, unknown>>,
    table: '/histogram',
    comparable: true,
  },
  {
    name: 'returning',
    summary: 'Returning-visitor rate, visit frequency and days between visits',
    run: async (x) => ({ ...(await publishReturning(x)) }),
    rows: (r) => r.frequency as Array<Record<string, unknown>>,
    table: '/frequency',
    comparable: true,
  },
  {
    name: 'paths',
    summary: 'Most common camera sequences of visits (repeats collapsed)',
    run: async (x) => ({ ...(await publishTopPaths(x)) }),
    rows: (r) =>
      (r.paths as Array<{ path: string[]; visits: number | null; share: number | null }>).map((p) => ({
        path: p.path.join(' > '),
        visits: p.visits,
        share: p.share,
      })),
    table: '/paths',
    comparable: true,
  },
  {
    name: 'transitions',
    summary: 'Camera-to-camera transitions of visits (Sankey-ready nodes and links)',
    run: async (x) => ({ ...(await publishTransitions(x)) }),
    rows: (r) => r.links as Array<Record<string, unknown>>,
    table: '/links',
    comparable: true,
  },
  {
    name: 'capture',
    summary:
      'Capture rate: face tracks per camera and local hour, identified (re-identified by their face) and seen but not identified (too small, blurred, turned away)',
    run: async (x) => ({ ...(await publishCapture(x)) }),
    rows: (r) => r.hours as Array<Record<string, unknown>>,
    table: '/hours',
    comparable: true,
  },
  {
    name: 'occupancy',
    summary: 'People inside now, and through the days of the range in 15-minute steps',
    run: async (x) => ({
      ...(await publishOccupancy(x, {
        nowMs: x.nowMs,
        visitGapMs: x.rules.visitGapMs,
        entryMinMs: x.rules.entryMinMs,
      })),
    }),
    rows: (r) => r.overDay as Array<Record<string, unknown>>,
    table: '/overDay',
    comparable: false,
  },
];
