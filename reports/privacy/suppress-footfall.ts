/** Suppression of the footfall reports: buckets by local hour, day or week with their totals. */
import type { FootfallBucket, FootfallByPeriod, FootfallPeriod } from '../queries/footfall-by-period.ts';
import { digestPeriod } from '../digest/digest-period.ts';
import { HiddenFigures, isSmall, type SuppressionMarks } from './small-counts.ts';
import {
  protectVisitLevel,
  sumVisits,
  visitRowState,
  type ParentRow,
  type VisitCounts,
  type VisitRowState,
} from './protect-visit-rows.ts';

type Counts = Omit<FootfallBucket, 'period'>;
type Nullable<T> = { [K in keyof T]: T[K] extends number ? number | null : T[K] };
/** What suppressFootfall reads: a footfall report, where sites without entrance cameras may leave out the unidentified visits. */
type FootfallInput = Pick<FootfallByPeriod, 'rulesVersions'> & {
  buckets: Array<Omit<FootfallBucket, 'unidentifiedVisits'> & { unidentifiedVisits?: number }>;
  totals: Omit<Counts, 'unidentifiedVisits'> & { unidentifiedVisits?: number };
  identifiedShare?: number;
};

export interface PublishedFootfall extends SuppressionMarks {
  buckets: Array<Nullable<FootfallBucket>>;
  totals: Nullable<Counts>;
  /** Share of the visits made by identified people (null when the unidentified visits are hidden: it would give them away). */
  identifiedShare: number | null;
  rulesVersions: string[];
}

/** The steps up from a bucket to its parent bucket, finest first: an hour's local day, a day's ISO week. */
function levelsAbove(period: FootfallPeriod): Array<(bucket: string) => string> {
  const week = (day: string) => digestPeriod('week', day.slice(0, 10)).from;
  if (period === 'hour') return [(hour) => hour.slice(0, 10), week];
  return period === 'day' ? [week] : [];
}

/**
 * Footfall with the rule applied. Per row: visits small → the row is hidden; new or returning
 * small → both are hidden. Across rows, level by level from the totals down (weeks, days, hours:
 * each also published by the report at that granularity): the children of each parent are
 * protected against it, and a parent hidden at its own level is kept hidden at the finer ones, so
 * the day, week and hour reports of one range hide consistently. Unique visitors are not additive
 * (one person may come in several hours), so they are hidden only when small or when their row is.
 */
export function suppressFootfall(f: FootfallInput, period: FootfallPeriod, minCount: number): PublishedFootfall {
  const levels: Array<{ counts: VisitCounts[]; parentOf: number[] }> = [];
  let keys = f.buckets.map((b) => b.period);
  let counts: VisitCounts[] = f.buckets;
  for (const up of levelsAbove(period)) {
    const parentKeys = new Map<string, number>();
    const parentOf = keys.map((k) => {
      if (!parentKeys.has(up(k))) parentKeys.set(up(k), parentKeys.size);
      return parentKeys.get(up(k))!;
    });
    levels.push({ counts, parentOf });
    const rows = counts;
    counts = [...parentKeys.values()].map((p) => sumVisits(rows.filter((_, i) => parentOf[i] === p)));
    keys = [...parentKeys.keys()];
  }
  levels.push({ counts, parentOf: counts.map(() => 0) });
  const totalsState = visitRowState(f.totals, minCount);
  let parents: ParentRow[] = [{ intrinsic: totalsState, final: totalsState }];
  let states: VisitRowState[] = [];
  for (const level of levels.reverse()) {
    states = protectVisitLevel(level.counts, level.parentOf, parents, minCount);
    parents = level.counts.map((c, i) => ({ intrinsic: visitRowState(c, minCount), final: states[i] }));
  }

  const hidden = new HiddenFigures(minCount);
  const publish = (
    c: FootfallInput['totals'],
    state: VisitRowState,
    ...at: Array<string | number>
  ): Nullable<Counts> => ({
    visitors: hidden.figure(c.visitors, state === 'hidden' || isSmall(c.visitors, minCount), ...at, 'visitors'),
    visits: hidden.figure(c.visits, state === 'hidden', ...at, 'visits'),
    newVisits: hidden.figure(c.newVisits, state !== 'shown', ...at, 'newVisits'),
    returningVisits: hidden.figure(c.returningVisits, state !== 'shown', ...at, 'returningVisits'),
    unidentifiedVisits: hidden.figure(c.unidentifiedVisits ?? 0, state !== 'shown', ...at, 'unidentifiedVisits'),
  });
  const buckets = f.buckets.map((b, i) => ({ period: b.period, ...publish(b, states[i], 'buckets', i) }));
  const totals = publish(f.totals, totalsState, 'totals');
  const identifiedShare = hidden.figure(f.identifiedShare ?? 1, totals.unidentifiedVisits === null, 'identifiedShare');
  return { buckets, totals, identifiedShare, rulesVersions: f.rulesVersions, ...hidden.marks() };
}
