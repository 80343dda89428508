/** Suppression of the dwell and returning-visitor reports: counts, the rates and percentiles built on them, and their breakdowns. */
import type { DwellDistribution } from '../queries/dwell-distribution.ts';
import type { ReturningVisitors } from '../queries/returning-visitors.ts';
import { HiddenFigures, isSmall, protectSum, type SuppressionMarks, type SumCell } from './small-counts.ts';
import { visitRowState } from './protect-visit-rows.ts';

export interface PublishedDwell extends SuppressionMarks {
  visits: number | null;
  p25S: number | null;
  medianS: number | null;
  p75S: number | null;
  p90S: number | null;
  meanS: number | null;
  histogram: Array<{ fromMin: number; upToMin: number | null; visits: number | null }>;
  rulesVersions: string[];
}

/**
 * Dwell: fewer than minCount visits hide everything, the percentiles and mean too (a percentile
 * of a handful of visits is one person's stay) and the empty bands (they would say where those
 * few stays fell). Otherwise small bands are hidden and protected against the total.
 */
export function suppressDwell(d: DwellDistribution, minCount: number): PublishedDwell {
  const few = isSmall(d.visits, minCount);
  const bands: SumCell[] = d.histogram.map((h) => ({ value: h.visits, hidden: few || isSmall(h.visits, minCount) }));
  if (!few) protectSum({ value: d.visits, hidden: false }, bands);
  const hidden = new HiddenFigures(minCount);
  const stat = (key: 'p25S' | 'medianS' | 'p75S' | 'p90S' | 'meanS') => hidden.figure(d[key], few, key);
  return {
    visits: hidden.figure(d.visits, few, 'visits'),
    p25S: stat('p25S'),
    medianS: stat('medianS'),
    p75S: stat('p75S'),
    p90S: stat('p90S'),
    meanS: stat('meanS'),
    histogram: d.histogram.map((h, i) => ({
      fromMin: h.fromMin,
      upToMin: h.upToMin,
      visits: hidden.figure(h.visits, bands[i].hidden, 'histogram', i, 'visits'),
    })),
    rulesVersions: d.rulesVersions,
    ...hidden.marks(),
  };
}

/** The visit-count buckets of the frequency table, always all of them (an absent bucket is a zero). */
const FREQUENCY_BUCKETS = ['1', '2', '3', '4', '5+'] as const;

export interface PublishedReturning extends SuppressionMarks {
  visitors: number | null;
  newVisitors: number | null;
  returningVisitors: number | null;
  visits: number | null;
  returningVisits: number | null;
  returningVisitRate: number | null;
  returningVisitorRate: number | null;
  frequency: Array<{ visits: string; visitors: number | null }>;
  daysBetweenVisits: { pairs: number | null; mean: number | null; median: number | null };
  rulesVersions: string[];
}

/**
 * Whether new and returning visitors must be hidden: visitors split into three groups, only new
 * (visitors − returning), only returning (visitors − new) and both (new + returning − visitors,
 * first visit and a return in the same period). Any of them small gives itself away from the
 * other figures, so both are hidden. The BI view bi_visitors_daily applies the same test.
 */
export function visitorSplitIsHidden(
  visitors: number,
  newVisitors: number,
  returningVisitors: number,
  minCount: number,
): boolean {
  const groups = [visitors - returningVisitors, visitors - newVisitors, newVisitors + returningVisitors - visitors];
  return isSmall(visitors, minCount) || groups.some((g) => isSmall(g, minCount));
}

/**
 * Returning visitors: the visit rate hides with returning visits (visits = new + returning, by the
 * row rule), the visitor rate with the visitor split; the frequency table is shown only when no
 * bucket is small (with visits and visitors shown, a single hidden bucket would follow from
 * Σ buckets = visitors and Σ (visits − 1) × bucket = visits − visitors). The visit pairs equal
 * visits − visitors, so they hide with either; their mean and median need minCount pairs.
 */
export function suppressReturning(r: ReturningVisitors, minCount: number): PublishedReturning {
  const visitState = visitRowState(
    { visits: r.visits, newVisits: r.visits - r.returningVisits, returningVisits: r.returningVisits },
    minCount,
  );
  const visitsHidden = visitState === 'hidden';
  const visitorsHidden = visitsHidden || isSmall(r.visitors, minCount);
  const splitHidden = visitorsHidden || visitorSplitIsHidden(r.visitors, r.newVisitors, r.returningVisitors, minCount);
  const byBucket = new Map(r.frequency.map((f) => [f.visits, f.visitors]));
  const frequency = FREQUENCY_BUCKETS.map((visits) => ({ visits, visitors: byBucket.get(visits) ?? 0 }));
  const frequencyHidden = visitorsHidden || frequency.some((f) => isSmall(f.visitors, minCount));
  const pairsHidden = visitsHidden || visitorsHidden;
  const gapsHidden = pairsHidden || isSmall(r.daysBetweenVisits.pairs, minCount);

  const hidden = new HiddenFigures(minCount);
  return {
    visitors: hidden.figure(r.visitors, visitorsHidden, 'visitors'),
    newVisitors: hidden.figure(r.newVisitors, splitHidden, 'newVisitors'),
    returningVisitors: hidden.figure(r.returningVisitors, splitHidden, 'returningVisitors'),
    visits: hidden.figure(r.visits, visitsHidden, 'visits'),
    returningVisits: hidden.figure(r.returningVisits, visitState !== 'shown', 'returningVisits'),
    returningVisitRate: hidden.figure(r.returningVisitRate, visitState !== 'shown', 'returningVisitRate'),
    returningVisitorRate: hidden.figure(r.returningVisitorRate, splitHidden, 'returningVisitorRate'),
    frequency: frequency.map((f, i) => ({
      visits: f.visits,
      visitors: hidden.figure(f.visitors, frequencyHidden, 'frequency', i, 'visitors'),
    })),
    daysBetweenVisits: {
      pairs: hidden.figure(r.daysBetweenVisits.pairs, pairsHidden, 'daysBetweenVisits', 'pairs'),
      mean: hidden.figure(r.daysBetweenVisits.mean, gapsHidden, 'daysBetweenVisits', 'mean'),
      median: hidden.figure(r.daysBetweenVisits.median, gapsHidden, 'daysBetweenVisits', 'median'),
    },
    rulesVersions: r.rulesVersions,
    ...hidden.marks(),
  };
}
