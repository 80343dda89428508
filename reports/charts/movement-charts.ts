/** The charts of where visitors go and how many are inside: transitions and occupancy, hidden figures in grey. */
import type { TopLevelSpec } from 'vega-lite';
import type { PublishedOccupancy, PublishedTransitions } from '../privacy/index.ts';
import { type ChartSize, COUNT_AXIS, greyWhenHidden, hiddenNote, PALETTE, themed } from './chart-theme.ts';

const STEP_MS = 15 * 60_000;

/**
 * Camera-to-camera transitions as a two-column flow (Sankey-style): cameras left as origins and
 * right as destinations, one band per transition, as wide as its visits (a hidden one: as wide as
 * minCount, in grey), with its number written on it.
 */
export function transitionsChart(t: PublishedTransitions, size?: ChartSize): TopLevelSpec {
  // Cameras on a numeric axis, first at the top, so each band's midpoint can carry its number.
  const rowOf = (node: string) => t.nodes.length - 1 - t.nodes.indexOf(node);
  const nodes = t.nodes.map((node) => ({ node, row: rowOf(node) }));
  const links = t.links.map((l) => ({
    ...l,
    fromRow: rowOf(l.from),
    toRow: rowOf(l.to),
    midRow: (rowOf(l.from) + rowOf(l.to)) / 2,
    width: l.visits ?? t.minCount,
    hidden: l.visits === null,
    label: l.visits === null ? 'hidden' : String(l.visits),
    shown: l.visits === null ? `hidden (fewer than ${t.minCount} or would reveal such a count)` : String(l.visits),
  }));
  const y = { type: 'quantitative', axis: null, scale: { domain: [-0.6, Math.max(0, t.nodes.length - 1) + 0.6] } };
  const subtitle = 'where visitors went next: band width = visits';
  return themed(
    'Transitions between cameras',
    links.some((l) => l.hidden) ? [subtitle, hiddenNote(t.minCount)] : subtitle,
    {
      layer: [
        {
          data: { values: links },
          mark: { type: 'rule', strokeCap: 'butt', opacity: 0.55 },
          encoding: {
            x: { datum: 0, type: 'quantitative', scale: { domain: [-0.35, 1.35] }, axis: null },
            x2: { datum: 1 },
            y: { field: 'fromRow', ...y },
            y2: { field: 'toRow' },
            color: greyWhenHidden({ field: 'from', type: 'nominal', legend: null, scale: { scheme: 'tableau10' } }),
            strokeWidth: { field: 'width', type: 'quantitative', legend: null, scale: { range: [1.5, 26] } },
            tooltip: [{ field: 'from' }, { field: 'to' }, { field: 'shown', title: 'visits' }],
          },
        },
        {
          data: { values: links },
          mark: {
            type: 'text',
            fontSize: 11,
            fontWeight: 'bold',
            color: '#111827',
            stroke: 'white',
            strokeWidth: 3,
            paintOrder: 'stroke',
          },
          encoding: {
            x: { datum: 0.5, type: 'quantitative' },
            y: { field: 'midRow', ...y },
            text: { field: 'label' },
            tooltip: [{ field: 'from' }, { field: 'to' }, { field: 'shown', title: 'visits' }],
          },
        },
        {
          data: { values: nodes },
          mark: { type: 'text', align: 'right', dx: -8, fontSize: 11 },
          encoding: { x: { datum: 0, type: 'quantitative' }, y: { field: 'row', ...y }, text: { field: 'node' } },
        },
        {
          data: { values: nodes },
          mark: { type: 'text', align: 'left', dx: 8, fontSize: 11 },
          encoding: { x: { datum: 1, type: 'quantitative' }, y: { field: 'row', ...y }, text: { field: 'node' } },
        },
      ],
    },
    { height: Math.max(100, 40 * t.nodes.length), ...size },
  );
}

/** `YYYY-MM-DD HH:MM` one step later (local wall time, as the steps are labelled). */
function stepEnd(at: string): string {
  return new Date(Date.parse(`${at.replace(' ', 'T')}:00Z`) + STEP_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * People inside through the day: an area where the count is shown, a grey block up to minCount
 * for each step where it is hidden (the area breaks there instead of dropping to zero).
 */
export function occupancyChart(o: PublishedOccupancy, size?: ChartSize): TopLevelSpec {
  const shown = o.overDay.filter((p) => p.people !== null);
  const hidden = o.overDay
    .filter((p) => p.people === null)
    .map((p) => ({ at: p.at, until: stepEnd(p.at), bottom: 0, top: o.minCount, shown: `fewer than ${o.minCount}` }));
  const peak = shown.reduce((m, p) => Math.max(m, p.people ?? 0), 0);
  const text =
    peak > 0 || hidden.length === 0
      ? `people inside, peak ${peak}`
      : `people inside: fewer than ${o.minCount} at every time`;
  const days = new Set(o.overDay.map((p) => p.at.slice(0, 10))).size;
  // One 24-hour clock everywhere (vega's default would print "09 AM"); several days also name the day.
  const x = {
    field: 'at',
    type: 'temporal',
    title: null,
    axis: { format: days > 1 ? '%d %b %H:%M' : '%H:%M', labelOverlap: true },
  };
  return themed(
    'Occupancy',
    hidden.length ? [text, `grey: fewer than ${o.minCount} people inside, hidden`] : text,
    {
      layer: [
        {
          data: { values: o.overDay },
          mark: {
            type: 'area',
            line: { color: PALETTE.visitors },
            color: PALETTE.area,
            invalid: 'break-paths-show-domains',
            tooltip: true,
          },
          encoding: { x, y: { field: 'people', type: 'quantitative', title: 'people', axis: COUNT_AXIS } },
        },
        {
          data: { values: hidden },
          mark: { type: 'rect', color: PALETTE.hidden },
          encoding: {
            x,
            x2: { field: 'until' },
            y: { field: 'bottom', type: 'quantitative' },
            y2: { field: 'top' },
            tooltip: [
              { field: 'at', title: 'from' },
              { field: 'shown', title: 'people' },
            ],
          },
        },
      ],
    },
    size,
  );
}
