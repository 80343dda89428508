/**
 * The reports as every output of a key publishes them: each query's result through its
 * suppression rule. The API (JSON, CSV, charts), the dashboard and the PDF digest read only these.
 */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { queryCaptureRate } from '../queries/capture-rate.ts';
import { completeFootfallAxis, type CoveredFootfall } from '../coverage/complete-footfall-axis.ts';
import { queryCameraCoverage } from '../queries/camera-coverage.ts';
import { queryDwellDistribution } from '../queries/dwell-distribution.ts';
import { queryFootfall, type FootfallPeriod } from '../queries/footfall-by-period.ts';
import { queryOccupancyNow, queryOccupancyOverDay } from '../queries/occupancy.ts';
import { queryTopPaths, queryTransitions } from '../queries/paths-and-transitions.ts';
import type { ReportRange } from '../queries/report-range.ts';
import { queryReturningVisitors } from '../queries/returning-visitors.ts';
import type { SuppressionMarks } from './small-counts.ts';
import { suppressCapture, type PublishedCapture } from './suppress-capture.ts';
import { suppressFootfall, type PublishedFootfall } from './suppress-footfall.ts';
import {
  suppressOccupancy,
  suppressTopPaths,
  suppressTransitions,
  type PublishedOccupancy,
  type PublishedTopPaths,
  type PublishedTransitions,
} from './suppress-movement.ts';
import {
  suppressDwell,
  suppressReturning,
  type PublishedDwell,
  type PublishedReturning,
} from './suppress-visitor-reports.ts';
import { publishIntervals, type PublishedIntervals } from '../intervals/publish-intervals.ts';
import { siteErrorRates, type SiteErrorRates } from '../intervals/site-error-rates.ts';

/**
 * How many top paths are ranked and suppressed together. Every output uses this one list (the
 * digest prints its first few): two lists of different lengths would be suppressed apart and
 * could be combined.
 */
const TOP_PATHS = 10;

/** What a published report needs: the engine, the range and the threshold. */
export interface PublishContext {
  clickhouse: ClickHouseClient;
  range: ReportRange;
  minCount: number;
  /** The site's identity error rates for the error bars (site-error-rates.ts); unset: the simulated ones. */
  errorRates?: () => Promise<SiteErrorRates>;
}

/** Unique visitors, visits and the returning rate carry their 90 % interval (null, and listed as suppressed, where a figure it is built on is hidden). */
export type WithIntervals<T> = T & { intervals: PublishedIntervals | null };

function withIntervals<T extends SuppressionMarks>(
  published: T,
  intervals: PublishedIntervals | null,
): WithIntervals<T> {
  return {
    ...published,
    intervals,
    suppressed: intervals ? published.suppressed : [...published.suppressed, '/intervals'],
  };
}

async function errorRatesOf(x: PublishContext): Promise<SiteErrorRates> {
  return x.errorRates ? x.errorRates() : siteErrorRates(null);
}

/** What a report with its coverage needs besides: the clock (hours after now are not listed) and the site's configured cameras, if any. */
export interface CoverageContext extends PublishContext {
  nowMs: number;
  cameras?: string[];
}

/** Footfall of the counted buckets, through the rule (what BI and the suppression tests compare against). */
export async function publishFootfall(x: PublishContext, period: FootfallPeriod): Promise<PublishedFootfall> {
  return suppressFootfall(await queryFootfall(x.clickhouse, x.range, period), period, x.minCount);
}

/** Per camera and hour: face tracks identified and seen but not identified (the capture rate). */
export async function publishCapture(x: PublishContext): Promise<PublishedCapture> {
  return suppressCapture(await queryCaptureRate(x.clickhouse, x.range), x.minCount);
}

/** Footfall as outputs show it: every elapsed bucket of the range, each with its camera coverage (null figures where no camera watched). */
export async function publishCoveredFootfall(
  x: CoverageContext,
  period: FootfallPeriod,
): Promise<WithIntervals<CoveredFootfall>> {
  const [published, coverage, rates] = await Promise.all([
    publishFootfall(x, period),
    queryCameraCoverage(x.clickhouse, x.range, x.cameras),
    errorRatesOf(x),
  ]);
  const covered = completeFootfallAxis(published, period, x.range, coverage, x.nowMs);
  // No data is not a hidden figure: nothing to bound, nothing suppressed.
  if (covered.noData) return { ...covered, intervals: null };
  return withIntervals(covered, publishIntervals(covered.totals, rates));
}

export async function publishDwell(x: PublishContext): Promise<PublishedDwell> {
  return suppressDwell(await queryDwellDistribution(x.clickhouse, x.range), x.minCount);
}

export async function publishReturning(x: PublishContext): Promise<WithIntervals<PublishedReturning>> {
  const [counts, rates] = await Promise.all([queryReturningVisitors(x.clickhouse, x.range), errorRatesOf(x)]);
  const returning = suppressReturning(counts, x.minCount);
  return withIntervals(returning, publishIntervals(returning, rates));
}

export async function publishTopPaths(x: PublishContext): Promise<PublishedTopPaths> {
  return suppressTopPaths(await queryTopPaths(x.clickhouse, x.range, TOP_PATHS), TOP_PATHS, x.minCount);
}

export async function publishTransitions(x: PublishContext): Promise<PublishedTransitions> {
  return suppressTransitions(await queryTransitions(x.clickhouse, x.range), x.minCount);
}

/** Occupancy now (open visits within the visit gap, past the entry threshold) and through the range. */
export async function publishOccupancy(
  x: PublishContext,
  now: { nowMs: number; visitGapMs: number; entryMinMs: number },
): Promise<PublishedOccupancy> {
  const [atNow, overDay] = await Promise.all([
    queryOccupancyNow(x.clickhouse, { siteId: x.range.siteId, entranceCameras: x.range.entranceCameras, ...now }),
    queryOccupancyOverDay(x.clickhouse, x.range),
  ]);
  return suppressOccupancy(atNow, overDay, x.minCount);
}
