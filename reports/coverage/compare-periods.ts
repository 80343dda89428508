/**
 * Which earlier period a figure is compared with, and whether the comparison may be made. One rule
 * for every tile, report and digest: a change is computed only between a period that is over and
 * an earlier one of the same length that the cameras covered whole.
 */
import type { CoveredFootfall } from './complete-footfall-axis.ts';

const DAY_MS = 86_400_000;
/** Coverage at or above this counts as whole: heartbeats land a little after the hour they vouch for. */
const WHOLE_COVERAGE = 0.99;

const toMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const toDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Local dates, `from` inclusive, `to` exclusive. */
export interface DateRange {
  from: string;
  to: string;
}

/** The period a range is compared with: the same weekday last week for one day (trade follows the week), else the period of equal length just before. */
export function previousPeriodOf(r: DateRange): DateRange {
  const days = Math.round((toMs(r.to) - toMs(r.from)) / DAY_MS);
  const back = days === 1 ? 7 : days;
  return { from: toDate(toMs(r.from) - back * DAY_MS), to: toDate(toMs(r.to) - back * DAY_MS) };
}

/** What a period's coverage says about its figures. */
export interface PeriodState {
  /** Mean share of expected camera-hours watched; null: unknown (before the site's first heartbeat). */
  coverage: number | null;
  /** The period is not over. */
  partial: boolean;
  /** Nothing in it can be vouched for. */
  noData: boolean;
}

export type ComparisonRefusal = 'current_partial' | 'previous_no_data' | 'previous_incomplete';

/** Human words for each refusal, shared by the dashboard, the API docs and the PDF. */
export const REFUSAL_TEXT: Record<ComparisonRefusal, string> = {
  current_partial: 'period not over: no change yet',
  previous_no_data: 'no data for the previous period',
  previous_incomplete: 'previous period not fully covered by the cameras',
};

export interface Comparison extends DateRange {
  /** True when changes may be computed; otherwise `reason` says why not. */
  complete: boolean;
  reason?: ComparisonRefusal;
}

export function periodStateOf(f: Pick<CoveredFootfall, 'totals' | 'partial' | 'noData'>): PeriodState {
  return { coverage: f.totals.coverage, partial: f.partial, noData: f.noData };
}

/** Whether `current` may be compared with `previous` (its range `before`). */
export function comparePeriods(before: DateRange, current: PeriodState, previous: PeriodState): Comparison {
  const reason: ComparisonRefusal | undefined = current.partial
    ? 'current_partial'
    : previous.noData
      ? 'previous_no_data'
      : previous.coverage !== null && previous.coverage < WHOLE_COVERAGE
        ? 'previous_incomplete'
        : undefined;
  return reason ? { ...before, complete: false, reason } : { ...before, complete: true };
}
