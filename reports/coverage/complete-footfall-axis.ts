/**
 * Footfall on a full time axis with its coverage: every elapsed hour, day or week of the range is a
 * bucket. A bucket with no counted visit is 0 when cameras watched it, and null ("no data") when
 * none did — never a zero that is really an outage (design invariant 11).
 */
import { localMidnightMs } from '../../storage/visit-model/local-day.ts';
import { digestPeriod } from '../digest/digest-period.ts';
import type { FootfallPeriod } from '../queries/footfall-by-period.ts';
import type { CameraCoverage } from '../queries/camera-coverage.ts';
import type { ReportRange } from '../queries/report-range.ts';
import type { PublishedFootfall } from '../privacy/suppress-footfall.ts';
import { elapsedHours, hourCoverage, meanCoverage } from './hour-coverage.ts';

type Bucket = PublishedFootfall['buckets'][number];
type Counts = PublishedFootfall['totals'];

export interface CoveredBucket extends Bucket {
  /** Share of expected camera-hours watched (0–1); null: unknown (before the site's first heartbeat). */
  coverage: number | null;
}

export interface CoveredFootfall extends Omit<PublishedFootfall, 'buckets' | 'totals'> {
  buckets: CoveredBucket[];
  totals: Counts & { coverage: number | null };
  /** The range runs past now: its last bucket is still filling, and later ones are not listed. */
  partial: boolean;
  /** No figure of the range can be vouched for: no camera covered it, or nothing was counted and coverage is unknown. */
  noData: boolean;
}

const NO_DATA: Counts = {
  visitors: null,
  visits: null,
  newVisits: null,
  returningVisits: null,
  unidentifiedVisits: null,
};
const ZERO: Counts = { visitors: 0, visits: 0, newVisits: 0, returningVisits: 0, unidentifiedVisits: 0 };

function bucketOf(label: string, period: FootfallPeriod): string {
  if (period === 'hour') return label;
  return period === 'day' ? label.slice(0, 10) : digestPeriod('week', label.slice(0, 10)).from;
}

/**
 * Fills the axis of a published footfall report and states each bucket's coverage. Suppression ran
 * on the counted buckets only: an added bucket is a known 0 or a known gap, and the JSON Pointers
 * of `suppressed` move with the buckets they name.
 */
export function completeFootfallAxis(
  f: PublishedFootfall,
  period: FootfallPeriod,
  range: ReportRange,
  coverage: CameraCoverage,
  nowMs: number,
): CoveredFootfall {
  const hours = elapsedHours(range, nowMs);
  const byBucket = new Map<string, Array<number | null>>();
  for (const h of hours) {
    const key = bucketOf(h.label, period);
    if (!byBucket.has(key)) byBucket.set(key, []);
    byBucket.get(key)!.push(hourCoverage(coverage, h));
  }
  const counted = new Map(f.buckets.map((b, i) => [b.period, i]));
  const labels = [...new Set([...byBucket.keys(), ...f.buckets.map((b) => b.period)])].sort();
  const moved = new Map<number, number>();
  const buckets = labels.map((label, at): CoveredBucket => {
    const c = meanCoverage(byBucket.get(label) ?? []);
    const i = counted.get(label);
    if (i !== undefined) {
      moved.set(i, at);
      return { ...f.buckets[i], coverage: c };
    }
    return { period: label, ...(c === 0 ? NO_DATA : ZERO), coverage: c };
  });
  const suppressed = f.suppressed.map((p) =>
    p.replace(/^\/buckets\/(\d+)\//, (_, i: string) => `/buckets/${moved.get(Number(i))}/`),
  );
  const all = meanCoverage(hours.map((h) => hourCoverage(coverage, h)));
  const nothingCounted = f.buckets.length === 0;
  const noData = nothingCounted && (all === 0 || all === null);
  const partial = nowMs < localMidnightMs(range.to, range.timeZone);
  return { ...f, buckets, suppressed, totals: { ...(noData ? NO_DATA : f.totals), coverage: all }, partial, noData };
}
