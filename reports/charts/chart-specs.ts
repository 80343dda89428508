/**
 * The vega-lite charts of the reports: one spec per report, used by the dashboard and the PDF
 * digest alike. They draw published reports (reports/privacy): a hidden figure is a grey bar up
 * to minCount, labelled as hidden, never a zero bar.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PublishedDwell, PublishedFootfall, PublishedTopPaths } from '../privacy/index.ts';
import { type ChartSize, COUNT_AXIS, countText, greyWhenHidden, hiddenNote, PALETTE, themed } from './chart-theme.ts';

/** Footfall as charts draw it: a bucket may carry its camera coverage (0 with null figures: no data, a gap). */
type ChartFootfall = Omit<PublishedFootfall, 'buckets'> & {
  buckets: Array<PublishedFootfall['buckets'][number] & { coverage?: number | null }>;
};

/** A bucket no camera watched: drawn as a labelled gap, never as a bar. */
function isGap(b: ChartFootfall['buckets'][number]): boolean {
  return b.coverage === 0 && b.visits === null;
}

/** A text layer marking the gaps of a time axis ("no data" across the bucket). */
function gapLayer(f: ChartFootfall, label: (period: string) => string, yField: string): Record<string, unknown>[] {
  const gaps = f.buckets.filter(isGap).map((b) => ({ period: label(b.period), [yField]: 0, note: 'no data' }));
  if (gaps.length === 0) return [];
  return [
    {
      data: { values: gaps },
      mark: { type: 'text', angle: -90, align: 'left', dx: 4, fontSize: 10, color: PALETTE.neutral },
      encoding: {
        x: { field: 'period', type: 'ordinal' },
        y: { field: yField, type: 'quantitative' },
        text: { field: 'note' },
        tooltip: [{ field: 'period' }, { field: 'note' }],
      },
    },
  ];
}

/** The subtitle line that explains gaps, when there are any. */
function gapNote(f: ChartFootfall): string[] {
  return f.buckets.some(isGap) ? ['no data: no camera was analysing then (a gap, not zero)'] : [];
}

/** Hours of a single day read better as "09:00" than as "2026-11-02 09:00". */
function periodLabels(f: ChartFootfall): (period: string) => string {
  const days = new Set(f.buckets.map((b) => b.period.slice(0, 10)));
  const hourly = f.buckets.every((b) => b.period.length === 16);
  return hourly && days.size === 1 ? (p) => p.slice(11) : (p) => p;
}

/** A bar's datum: its height (minCount when hidden), whether hidden, and the text of its tooltip. */
function bar(value: number | null, minCount: number): { bar: number; hidden: boolean; shown: string } {
  return {
    bar: value ?? minCount,
    hidden: value === null,
    shown: value === null ? `hidden (fewer than ${minCount} or would reveal such a count)` : String(value),
  };
}

/** The subtitle, with the meaning of grey when a drawn figure is grey, and any further notes. */
function subtitle(
  text: string,
  minCount: number,
  values: Array<{ hidden?: boolean; kind?: string }>,
  notes: string[] = [],
): string | string[] {
  const lines = [
    text,
    ...(values.some((v) => v.hidden || v.kind === 'hidden') ? [hiddenNote(minCount)] : []),
    ...notes,
  ];
  return lines.length === 1 ? text : lines;
}

/** Unique visitors and visits per period, side by side. */
export function footfallChart(f: ChartFootfall, periodLabel: string, size?: ChartSize): TopLevelSpec {
  const label = periodLabels(f);
  const values = f.buckets
    .filter((b) => !isGap(b))
    .flatMap((b) => [
      { period: label(b.period), measure: 'visits', ...bar(b.visits, f.minCount) },
      { period: label(b.period), measure: 'unique visitors', ...bar(b.visitors, f.minCount) },
    ]);
  const text =
    f.totals.visits === null && f.buckets.every(isGap)
      ? 'no data for this period'
      : `${countText(f.totals.visitors, f.minCount)} unique visitors, ${countText(f.totals.visits, f.minCount)} visits`;
  return themed(
    `Footfall by ${periodLabel}`,
    subtitle(text, f.minCount, values, gapNote(f)),
    {
      layer: [
        {
          data: { values },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'period', type: 'ordinal', title: null, axis: { labelAngle: -45, labelOverlap: true } },
            xOffset: { field: 'measure' },
            y: { field: 'bar', type: 'quantitative', title: 'people', axis: COUNT_AXIS },
            color: greyWhenHidden({
              field: 'measure',
              type: 'nominal',
              title: null,
              scale: { domain: ['unique visitors', 'visits'], range: [PALETTE.visitors, PALETTE.visits] },
            }),
            tooltip: [{ field: 'period' }, { field: 'measure' }, { field: 'shown', title: 'people' }],
          },
        },
        ...gapLayer(f, label, 'bar'),
      ],
    },
    size,
  );
}

/** What the returning figures rest on: the identified share of the visits, in words. */
export function identifiedShareText(f: Pick<PublishedFootfall, 'identifiedShare'>): string | null {
  if (f.identifiedShare === null) return 'share of visits identified hidden';
  return f.identifiedShare < 1
    ? `returning figures and paths rest on the ${Math.round(100 * f.identifiedShare)} % of visits identified`
    : null;
}

/**
 * New against returning visits per period, stacked, with the visits of people seen but not
 * identified on top. A period whose split is hidden shows its visits as one grey bar (the total
 * is known, only the split is not).
 */
export function newVsReturningChart(f: ChartFootfall, periodLabel: string, size?: ChartSize): TopLevelSpec {
  const label = periodLabels(f);
  const values = f.buckets
    .filter((b) => !isGap(b))
    .flatMap((b) => {
      const period = label(b.period);
      if (b.newVisits !== null && b.returningVisits !== null && b.unidentifiedVisits !== null) {
        const parts = [
          { period, kind: 'new', visits: b.newVisits, shown: String(b.newVisits) },
          { period, kind: 'returning', visits: b.returningVisits, shown: String(b.returningVisits) },
          { period, kind: 'seen, not identified', visits: b.unidentifiedVisits, shown: String(b.unidentifiedVisits) },
        ];
        return parts.filter((p) => p.kind !== 'seen, not identified' || p.visits > 0);
      }
      return [
        {
          period,
          kind: 'hidden',
          visits: b.visits ?? f.minCount,
          shown: b.visits === null ? `fewer than ${f.minCount} visits` : `${b.visits} visits, split hidden`,
        },
      ];
    });
  const t = f.totals;
  // Over identified visits: re-identification cannot tell whether an unidentified visitor came before.
  const identified = t.newVisits === null || t.returningVisits === null ? null : t.newVisits + t.returningVisits;
  const share =
    identified === null || t.returningVisits === null
      ? null
      : identified
        ? Math.round((100 * t.returningVisits) / identified)
        : 0;
  const returning =
    share === null
      ? `returning share hidden: fewer than ${f.minCount} new or returning visits`
      : `${share} % of identified visits were returning visitors (by ${periodLabel})`;
  const basis = identifiedShareText(f);
  return themed(
    'New and returning visits',
    subtitle(basis ? `${returning}; ${basis}` : returning, f.minCount, values, gapNote(f)),
    {
      layer: [
        {
          data: { values },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'period', type: 'ordinal', title: null, axis: { labelAngle: -45, labelOverlap: true } },
            y: { field: 'visits', type: 'quantitative', stack: 'zero', title: 'visits', axis: COUNT_AXIS },
            color: {
              field: 'kind',
              type: 'nominal',
              title: null,
              scale: {
                domain: ['new', 'returning', 'seen, not identified', 'hidden'],
                range: [PALETTE.new, PALETTE.returning, PALETTE.unidentified, PALETTE.hidden],
              },
            },
            tooltip: [{ field: 'period' }, { field: 'kind' }, { field: 'shown', title: 'visits' }],
          },
        },
        ...gapLayer(f, label, 'visits'),
      ],
    },
    size,
  );
}

/** How long visits last: visits per dwell band, with the median in the subtitle. */
export function dwellChart(d: PublishedDwell, size?: ChartSize): TopLevelSpec {
  const values = d.histogram.map((h) => ({
    band: h.upToMin === null ? `${h.fromMin}+` : `${h.fromMin}–${h.upToMin}`,
    order: h.fromMin,
    ...bar(h.visits, d.minCount),
  }));
  const text =
    d.medianS === null || d.p75S === null
      ? `fewer than ${d.minCount} visits: dwell hidden`
      : `median ${(d.medianS / 60).toFixed(1)} min, 75 % of visits under ${(d.p75S / 60).toFixed(1)} min`;
  return themed(
    'Dwell time',
    subtitle(text, d.minCount, values),
    {
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'band', type: 'ordinal', sort: { field: 'order' }, title: 'minutes', axis: { labelAngle: 0 } },
        y: { field: 'bar', type: 'quantitative', title: 'visits', axis: COUNT_AXIS },
        color: greyWhenHidden({ value: PALETTE.visitors }),
        tooltip: [
          { field: 'band', title: 'minutes' },
          { field: 'shown', title: 'visits' },
        ],
      },
    },
    size,
  );
}

/** The most common routes through the store, as horizontal bars (at most `top`). */
export function topPathsChart(p: PublishedTopPaths, size?: ChartSize, top = p.paths.length): TopLevelSpec {
  const values = p.paths.slice(0, top).map((x, rank) => ({
    path: x.path.join(' → '),
    rank,
    share: x.share === null ? 'hidden' : `${Math.round(100 * x.share)} %`,
    ...bar(x.visits, p.minCount),
  }));
  return themed(
    'Top paths',
    subtitle(`camera sequences of ${countText(p.visits, p.minCount)} visits, repeats collapsed`, p.minCount, values),
    {
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'path', type: 'nominal', sort: { field: 'rank' }, title: null, axis: { labelLimit: 260 } },
        x: { field: 'bar', type: 'quantitative', title: 'visits', axis: COUNT_AXIS },
        color: greyWhenHidden({ value: PALETTE.visitors }),
        tooltip: [{ field: 'path' }, { field: 'shown', title: 'visits' }, { field: 'share' }],
      },
    },
    { height: Math.max(60, 22 * values.length), ...size },
  );
}
