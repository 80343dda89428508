/** Everything a digest shows, from the shared report queries: the period, the one before, and their change. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteConfig } from '../../schemas/index.ts';
import { queryDwellDistribution, type DwellDistribution } from '../queries/dwell-distribution.ts';
import { queryFootfall, type FootfallByPeriod, type FootfallPeriod } from '../queries/footfall-by-period.ts';
import { queryTopPaths, queryTransitions, type TopPaths, type Transitions } from '../queries/paths-and-transitions.ts';
import type { ReportRange } from '../queries/report-range.ts';
import { queryReturningVisitors } from '../queries/returning-visitors.ts';
import type { DigestPeriod } from './digest-period.ts';

export interface Metric {
  value: number;
  previous: number;
}

export interface DigestData {
  site: SiteConfig;
  period: DigestPeriod;
  generatedAtMs: number;
  headline: { visitors: Metric; visits: Metric; returningRate: Metric; medianDwellS: Metric };
  footfall: FootfallByPeriod;
  footfallBy: FootfallPeriod;
  dwell: DwellDistribution;
  topPaths: TopPaths;
  transitions: Transitions;
  /** Hours of the local day by visits over the whole period, busiest first (top 3). */
  busiestHours: Array<{ hour: number; visits: number }>;
  rulesVersions: string[];
}

async function headlineOf(client: ClickHouseClient, range: ReportRange) {
  const [footfall, returning, dwell] = await Promise.all([
    queryFootfall(client, range, 'day'),
    queryReturningVisitors(client, range),
    queryDwellDistribution(client, range),
  ]);
  return { footfall, returning, dwell };
}

function busiestHours(hourly: FootfallByPeriod): Array<{ hour: number; visits: number }> {
  const byHour = new Map<number, number>();
  for (const b of hourly.buckets) {
    const hour = Number(b.period.slice(11, 13));
    byHour.set(hour, (byHour.get(hour) ?? 0) + b.visits);
  }
  return [...byHour.entries()]
    .map(([hour, visits]) => ({ hour, visits }))
    .sort((a, b) => b.visits - a.visits || a.hour - b.hour)
    .slice(0, 3);
}

export async function collectDigestData(client: ClickHouseClient, site: SiteConfig, period: DigestPeriod, nowMs = Date.now()): Promise<DigestData> {
  const range: ReportRange = { siteId: site.id, timeZone: site.timezone, from: period.from, to: period.to };
  const previousRange: ReportRange = { ...range, ...period.previous };
  const footfallBy: FootfallPeriod = period.kind === 'day' ? 'hour' : 'day';
  const [now, before, footfall, hourly, topPaths, transitions] = await Promise.all([
    headlineOf(client, range),
    headlineOf(client, previousRange),
    queryFootfall(client, range, footfallBy),
    queryFootfall(client, range, 'hour'),
    queryTopPaths(client, range, 5),
    queryTransitions(client, range),
  ]);
  const metric = (pick: (h: typeof now) => number): Metric => ({ value: pick(now), previous: pick(before) });
  return {
    site,
    period,
    generatedAtMs: nowMs,
    headline: {
      visitors: metric((h) => h.footfall.totals.visitors),
      visits: metric((h) => h.footfall.totals.visits),
      returningRate: metric((h) => h.returning.returningVisitRate),
      medianDwellS: metric((h) => h.dwell.medianS),
    },
    footfall,
    footfallBy,
    dwell: now.dwell,
    topPaths,
    transitions,
    busiestHours: busiestHours(hourly),
    rulesVersions: [...new Set([...footfall.rulesVersions, ...now.dwell.rulesVersions, ...topPaths.rulesVersions])].sort(),
  };
}
