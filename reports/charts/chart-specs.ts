/** The vega-lite charts of the reports: one spec per report, used by the dashboard and the PDF digest alike. */
import type { TopLevelSpec } from 'vega-lite';
import type { DwellDistribution } from '../queries/dwell-distribution.ts';
import type { FootfallByPeriod } from '../queries/footfall-by-period.ts';
import type { TopPaths, Transitions } from '../queries/paths-and-transitions.ts';
import { PALETTE, themed } from './chart-theme.ts';

export interface ChartSize {
  width?: number | 'container';
  height?: number;
}

/** Hours of a single day read better as "09:00" than as "2026-11-02 09:00". */
function periodLabels(f: FootfallByPeriod): (period: string) => string {
  const days = new Set(f.buckets.map((b) => b.period.slice(0, 10)));
  const hourly = f.buckets.every((b) => b.period.length === 16);
  return hourly && days.size === 1 ? (p) => p.slice(11) : (p) => p;
}

/** Unique visitors and visits per period, side by side. */
export function footfallChart(f: FootfallByPeriod, periodLabel: string, size?: ChartSize): TopLevelSpec {
  const label = periodLabels(f);
  const values = f.buckets.flatMap((b) => [
    { period: label(b.period), measure: 'visits', value: b.visits },
    { period: label(b.period), measure: 'unique visitors', value: b.visitors },
  ]);
  return themed(`Footfall by ${periodLabel}`, `${f.totals.visitors} unique visitors, ${f.totals.visits} visits`, {
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'period', type: 'ordinal', title: null, axis: { labelAngle: -45 } },
      xOffset: { field: 'measure' },
      y: { field: 'value', type: 'quantitative', title: 'people' },
      color: { field: 'measure', type: 'nominal', title: null, scale: { domain: ['unique visitors', 'visits'], range: [PALETTE.visitors, PALETTE.visits] } },
    },
  }, size);
}

/** New against returning visits per period, stacked. */
export function newVsReturningChart(f: FootfallByPeriod, periodLabel: string, size?: ChartSize): TopLevelSpec {
  const label = periodLabels(f);
  const values = f.buckets.flatMap((b) => [
    { period: label(b.period), kind: 'new', visits: b.newVisits },
    { period: label(b.period), kind: 'returning', visits: b.returningVisits },
  ]);
  const share = f.totals.visits ? Math.round((100 * f.totals.returningVisits) / f.totals.visits) : 0;
  return themed('New and returning visits', `${share} % of visits were returning visitors (by ${periodLabel})`, {
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'period', type: 'ordinal', title: null, axis: { labelAngle: -45 } },
      y: { field: 'visits', type: 'quantitative', stack: 'zero', title: 'visits' },
      color: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['new', 'returning'], range: [PALETTE.new, PALETTE.returning] } },
    },
  }, size);
}

/** How long visits last: visits per dwell band, with the median in the subtitle. */
export function dwellChart(d: DwellDistribution, size?: ChartSize): TopLevelSpec {
  const values = d.histogram.map((h) => ({ band: h.upToMin === null ? `${h.fromMin}+` : `${h.fromMin}–${h.upToMin}`, order: h.fromMin, visits: h.visits }));
  return themed('Dwell time', `median ${(d.medianS / 60).toFixed(1)} min, 75 % of visits under ${(d.p75S / 60).toFixed(1)} min`, {
    data: { values },
    mark: { type: 'bar', color: PALETTE.visitors, tooltip: true },
    encoding: {
      x: { field: 'band', type: 'ordinal', sort: { field: 'order' }, title: 'minutes', axis: { labelAngle: 0 } },
      y: { field: 'visits', type: 'quantitative', title: 'visits' },
    },
  }, size);
}

/** The most common routes through the store, as horizontal bars. */
export function topPathsChart(p: TopPaths, size?: ChartSize): TopLevelSpec {
  const values = p.paths.map((x) => ({ path: x.path.join(' → '), visits: x.visits, share: Math.round(100 * x.share) }));
  return themed('Top paths', `camera sequences of ${p.visits} visits, repeats collapsed`, {
    data: { values },
    mark: { type: 'bar', color: PALETTE.visitors, tooltip: true },
    encoding: {
      y: { field: 'path', type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 260 } },
      x: { field: 'visits', type: 'quantitative', title: 'visits' },
    },
  }, { height: Math.max(60, 22 * values.length), ...size });
}

/**
 * Camera-to-camera transitions as a two-column flow (Sankey-style): cameras left as origins and
 * right as destinations, one band per transition, as wide as its visits.
 */
export function transitionsChart(t: Transitions, size?: ChartSize): TopLevelSpec {
  const nodes = t.nodes.map((node) => ({ node }));
  const y = { type: 'nominal', axis: null, scale: { domain: t.nodes, padding: 0.6 } };
  return themed('Transitions between cameras', 'where visitors went next: band width = visits', {
    layer: [
      {
        data: { values: t.links },
        mark: { type: 'rule', strokeCap: 'butt', opacity: 0.55, tooltip: true },
        encoding: {
          x: { datum: 0, type: 'quantitative', scale: { domain: [-0.35, 1.35] }, axis: null },
          x2: { datum: 1 },
          y: { field: 'from', ...y },
          y2: { field: 'to' },
          color: { field: 'from', type: 'nominal', legend: null, scale: { scheme: 'tableau10' } },
          strokeWidth: { field: 'visits', type: 'quantitative', legend: null, scale: { range: [1.5, 26] } },
        },
      },
      {
        data: { values: nodes },
        mark: { type: 'text', align: 'right', dx: -8, fontSize: 11 },
        encoding: { x: { datum: 0, type: 'quantitative' }, y: { field: 'node', ...y }, text: { field: 'node' } },
      },
      {
        data: { values: nodes },
        mark: { type: 'text', align: 'left', dx: 8, fontSize: 11 },
        encoding: { x: { datum: 1, type: 'quantitative' }, y: { field: 'node', ...y }, text: { field: 'node' } },
      },
    ],
  }, { height: Math.max(100, 40 * t.nodes.length), ...size });
}

/** People inside through the day. */
export function occupancyChart(points: Array<{ at: string; people: number }>, size?: ChartSize): TopLevelSpec {
  const peak = points.reduce((m, p) => Math.max(m, p.people), 0);
  return themed('Occupancy', `people inside, peak ${peak}`, {
    data: { values: points },
    mark: { type: 'area', line: { color: PALETTE.visitors }, color: PALETTE.visits, tooltip: true },
    encoding: {
      x: { field: 'at', type: 'temporal', title: null },
      y: { field: 'people', type: 'quantitative', title: 'people' },
    },
  }, size);
}
