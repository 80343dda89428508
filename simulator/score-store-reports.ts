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
  /** The most-visited paths with their visits (TOP_PATHS_SHOWN): in the truth, and as reported. */
  top_paths_true: PathVisits[];
  top_paths_reported: PathVisits[];
  /**
   * How many fewer visits the reported top path has than the true top path, in the truth, as a
   * share of the latter's: 0 when they are the same path. The layouts' zones are alike, so the top
   * paths are often a near-tie that a few visits' error may reorder (see docs/calibration.md).
   */
  top_path_true_gap: number;
  footfall_hourly_mae: number;
}

/** A collapsed path (`entrance > zone-b > checkout`) and its counted visits. */
export interface PathVisits {
  path: string;
  visits: number;
}

/** Paths printed with their visits: the top one and its runner-up. */
export const TOP_PATHS_SHOWN = 2;

export interface StoreReports {
  hourly: FootfallByPeriod;
  returning: ReturningVisitors;
  dwell: DwellDistribution;
  paths: TopPaths;
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

function compareArrays(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

type CountedPath = { path: string[]; visits: number };

/** Paths by visits, most first (ties by path, as the report query orders them). */
export function rankPaths<P extends CountedPath>(paths: Iterable<P>): P[] {
  return [...paths].sort((a, b) => b.visits - a.visits || compareArrays(a.path, b.path));
}

/** The first TOP_PATHS_SHOWN of ranked paths, as printed. */
export function showPaths(ranked: CountedPath[]): PathVisits[] {
  return ranked.slice(0, TOP_PATHS_SHOWN).map((p) => ({ path: p.path.join(' > '), visits: p.visits }));
}

/** The true visits of the reported top path short of the true top path's, as a share of the latter (see StoreEvalResult). */
export function topPathTrueGap(truth: CountedPath[], reportedTop: string[] | undefined): number {
  const [top] = truth;
  const key = (path: string[]) => path.join('\u0000');
  if (!top || (reportedTop !== undefined && key(reportedTop) === key(top.path))) return 0;
  const got = reportedTop === undefined ? 0 : (truth.find((p) => key(p.path) === key(reportedTop))?.visits ?? 0);
  return round((top.visits - got) / top.visits);
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
  const ranked = rankPaths(paths.values());
  return {
    visitors: seen.size,
    visits: counted.length,
    returningRate: counted.length > 0 ? returning / counted.length : 0,
    // ClickHouse's quantileExact(0.5): the element at ⌊n/2⌋ of the sorted values.
    dwellMedianS: dwell.length > 0 ? dwell[Math.floor(dwell.length / 2)] : 0,
    topPath: ranked[0]?.path ?? [],
    /** Every path, ranked: the reported top path's true visits are looked up here. */
    paths: ranked,
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
    top_paths_true: showPaths(truth.paths),
    top_paths_reported: showPaths(rankPaths(reports.paths.paths)),
    top_path_true_gap: topPathTrueGap(truth.paths, reports.paths.paths[0]?.path),
    footfall_hourly_mae: round(hourlyMae(truth.hourly, reports.hourly)),
  };
}
