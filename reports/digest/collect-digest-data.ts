/**
 * Everything a digest shows, from the published reports (suppressed like the API's): the period,
 * the one before, and their change. A hidden figure stays null; so does any change built on one.
 */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { SiteConfig } from '../../schemas/index.ts';
import type { FootfallPeriod } from '../queries/footfall-by-period.ts';
import type { CoveredFootfall } from '../coverage/index.ts';
import type { ReportRange } from '../queries/report-range.ts';
import {
  publishDwell,
  publishFootfall,
  publishReturning,
  publishTopPaths,
  publishTransitions,
  type CoverageContext,
  type PublishedDwell,
  type PublishedFootfall,
  type PublishedTopPaths,
  type PublishedTransitions,
} from '../privacy/index.ts';
import type { DigestPeriod } from './digest-period.ts';
import type { PublishedIntervals } from '../intervals/publish-intervals.ts';
import type { SiteErrorRates } from '../intervals/site-error-rates.ts';
import { cameraStatuses, comparePeriods, periodStateOf, type Comparison, type PeriodState } from '../coverage/index.ts';
import { publishCoveredFootfall } from '../privacy/index.ts';
import { queryCameraCoverage } from '../queries/camera-coverage.ts';

/** A headline figure now and in the previous period; null where it is hidden. */
export interface Metric {
  value: number | null;
  previous: number | null;
}

export interface DigestData {
  site: SiteConfig;
  period: DigestPeriod;
  generatedAtMs: number;
  /** privacy.minCount: counts from 1 to minCount − 1 are hidden. */
  minCount: number;
  headline: { visitors: Metric; visits: Metric; returningRate: Metric; medianDwellS: Metric };
  /** 90 % intervals of the period's visitors, visits and returning rate, and how they were obtained; null when a figure is hidden. */
  intervals: PublishedIntervals | null;
  footfall: CoveredFootfall;
  footfallBy: FootfallPeriod;
  dwell: PublishedDwell;
  /** The API's top paths (the same list and suppression); the digest prints the first few. */
  topPaths: PublishedTopPaths;
  transitions: PublishedTransitions;
  /** Hours of the local day by visits over the whole period, busiest first (top 3). */
  busiestHours: Array<{ hour: number; visits: number }>;
  rulesVersions: string[];
  /** The period's coverage: partial (not over), no data at all, share of camera-hours watched. */
  coverage: PeriodState;
  /** Whether changes against the previous period may be printed, and if not why. */
  comparison: Comparison;
  /** Cameras silent for longer than coverage.cameraSilentAfterMs when the digest was made. */
  silentCameras: string[];
}

async function headlineOf(x: CoverageContext) {
  const [footfall, returning, dwell] = await Promise.all([
    publishCoveredFootfall(x, 'day'),
    publishReturning(x),
    publishDwell(x),
  ]);
  return { footfall, returning, dwell };
}

/**
 * The busiest hours of the day over the period, from the published hourly footfall: an hour
 * counts only if every day shows its visits, so each sum printed is a sum of printed figures and
 * tells nothing the hourly report hides.
 */
function busiestHours(hourly: PublishedFootfall): Array<{ hour: number; visits: number }> {
  const byHour = new Map<number, number | null>();
  for (const b of hourly.buckets) {
    const hour = Number(b.period.slice(11, 13));
    const sum = byHour.get(hour);
    byHour.set(hour, b.visits === null || sum === null ? null : (sum ?? 0) + b.visits);
  }
  return [...byHour.entries()]
    .filter((e): e is [number, number] => e[1] !== null && e[1] > 0)
    .map(([hour, visits]) => ({ hour, visits }))
    .sort((a, b) => b.visits - a.visits || a.hour - b.hour)
    .slice(0, 3);
}

/** How long a camera may stay silent before the digest names it (coverage.cameraSilentAfterMs). */
export interface DigestOptions {
  nowMs?: number;
  cameraSilentAfterMs?: number;
  /** The site's rates behind the error bars (createSiteErrorRates); unset: the simulated ones. */
  errorRates?: () => Promise<SiteErrorRates>;
}

export async function collectDigestData(
  client: ClickHouseClient,
  site: SiteConfig,
  period: DigestPeriod,
  minCount: number,
  o: DigestOptions = {},
): Promise<DigestData> {
  const nowMs = o.nowMs ?? Date.now();
  const range: ReportRange = {
    siteId: site.id,
    timeZone: site.timezone,
    from: period.from,
    to: period.to,
    entranceCameras: site.entranceCameras,
  };
  const x = { clickhouse: client, range, minCount, nowMs, cameras: site.cameras, errorRates: o.errorRates };
  const earlier = { ...x, range: { ...range, ...period.previous } };
  const footfallBy: FootfallPeriod = period.kind === 'day' ? 'hour' : 'day';
  const [now, before, footfall, hourly, topPaths, transitions, state, previousState, cameras] = await Promise.all([
    headlineOf(x),
    headlineOf(earlier),
    publishCoveredFootfall(x, footfallBy),
    publishFootfall(x, 'hour'),
    publishTopPaths(x),
    publishTransitions(x),
    publishCoveredFootfall(x, 'day').then(periodStateOf),
    publishCoveredFootfall(earlier, 'day').then(periodStateOf),
    queryCameraCoverage(client, range, site.cameras),
  ]);
  const metric = (pick: (h: typeof now) => number | null): Metric => ({ value: pick(now), previous: pick(before) });
  return {
    site,
    period,
    generatedAtMs: nowMs,
    minCount,
    headline: {
      visitors: metric((h) => h.footfall.totals.visitors),
      visits: metric((h) => h.footfall.totals.visits),
      returningRate: metric((h) => h.returning.returningVisitRate),
      medianDwellS: metric((h) => h.dwell.medianS),
    },
    intervals: now.footfall.intervals,
    footfall,
    footfallBy,
    dwell: now.dwell,
    topPaths,
    transitions,
    busiestHours: busiestHours(hourly),
    rulesVersions: [
      ...new Set([...footfall.rulesVersions, ...now.dwell.rulesVersions, ...topPaths.rulesVersions]),
    ].sort(),
    coverage: state,
    comparison: comparePeriods(period.previous, state, previousState),
    silentCameras: cameraStatuses(cameras, nowMs, o.cameraSilentAfterMs ?? 900_000)
      .filter((c) => c.silent)
      .map((c) => c.cameraId),
  };
}
