/** The simulator's truth from its plan, and the errors of the reports against it. */
import type { DwellDistribution, FootfallByPeriod, ReturningVisitors, TopPaths } from '../reports/index.ts';
import type { StorePlan } from './plan-store-days.ts';

/** The `eval store` result; keys are a stable interface. */
export interface StoreEvalResult {
  unique_visitors_true: number;
  unique_visitors_reported: number;
  visits_true: number;
  visits_reported: number;
  /** Of the reported visits, those of people seen at the entrance but not identified (estimated), and the share identified: what the returning rate and paths rest on. */
  visits_unidentified_reported: number;
  identified_share_reported: number;
  returning_rate_true: number;
  returning_rate_reported: number;
  dwell_median_true_s: number;
  dwell_median_reported_s: number;
  top_path_true: string;
  top_path_reported: string;
  footfall_hourly_mae: number;
}

export interface StoreReports {
  hourly: FootfallByPeriod;
  returning: ReturningVisitors;
  dwell: DwellDistribution;
  paths: TopPaths;
}

function compareArrays(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

/** The reports' definitions applied to the plan: bounces and staff never count. */
export function truthOf(plan: StorePlan) {
  const counted = plan.visits.filter((v) => !v.bounce).sort((a, b) => a.startMs - b.startMs);
  const seen = new Set<number>();
  let returning = 0;
  const hourly = new Map<string, number>();
  const paths = new Map<string, { path: string[]; visits: number }>();
  for (const v of counted) {
    if (seen.has(v.person)) returning++;
    seen.add(v.person);
    const hour = `${v.localDate} ${String(v.localHour).padStart(2, '0')}:00`;
    hourly.set(hour, (hourly.get(hour) ?? 0) + 1);
    const key = v.path.join('\u0000');
    paths.set(key, { path: v.path, visits: (paths.get(key)?.visits ?? 0) + 1 });
  }
  const dwell = counted.map((v) => (v.endMs - v.startMs) / 1000).sort((a, b) => a - b);
  const top = [...paths.values()].sort((a, b) => b.visits - a.visits || compareArrays(a.path, b.path))[0];
  return {
    visitors: seen.size,
    visits: counted.length,
    returningRate: counted.length > 0 ? returning / counted.length : 0,
    // ClickHouse's quantileExact(0.5): the element at ⌊n/2⌋ of the sorted values.
    dwellMedianS: dwell.length > 0 ? dwell[Math.floor(dwell.length / 2)] : 0,
    topPath: top?.path ?? [],
    hourly,
  };
}

/** Mean absolute error of visits per local hour, over every hour that has visits in either. */
function hourlyMae(truth: Map<string, number>, reported: FootfallByPeriod): number {
  const got = new Map(reported.buckets.map((b) => [b.period, b.visits]));
  const hours = new Set([...truth.keys(), ...got.keys()]);
  let sum = 0;
  for (const h of hours) sum += Math.abs((truth.get(h) ?? 0) - (got.get(h) ?? 0));
  return hours.size > 0 ? sum / hours.size : 0;
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

export function scoreStoreReports(plan: StorePlan, reports: StoreReports): StoreEvalResult {
  const truth = truthOf(plan);
  return {
    unique_visitors_true: truth.visitors,
    unique_visitors_reported: reports.hourly.totals.visitors,
    visits_true: truth.visits,
    visits_reported: reports.hourly.totals.visits,
    visits_unidentified_reported: reports.hourly.totals.unidentifiedVisits,
    identified_share_reported: round(reports.hourly.identifiedShare),
    returning_rate_true: round(truth.returningRate),
    returning_rate_reported: round(reports.returning.returningVisitRate),
    dwell_median_true_s: round(truth.dwellMedianS, 3),
    dwell_median_reported_s: round(reports.dwell.medianS, 3),
    top_path_true: truth.topPath.join(' > '),
    top_path_reported: (reports.paths.paths[0]?.path ?? []).join(' > '),
    footfall_hourly_mae: round(hourlyMae(truth.hourly, reports.hourly)),
  };
}
