// Every chart renders to SVG with marks for its data (real vega, no browser); a hidden figure is a grey bar up to minCount, never a zero.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suppressDwell,
  suppressFootfall,
  suppressOccupancy,
  suppressTopPaths,
  suppressTransitions,
} from '../privacy/index.ts';
import {
  dwellChart,
  footfallChart,
  newVsReturningChart,
  occupancyChart,
  PALETTE,
  renderChartSvg,
  topPathsChart,
  transitionsChart,
} from './index.ts';

const footfall = suppressFootfall(
  {
    buckets: [
      { period: '2026-11-02 09:00', visitors: 4, visits: 5, newVisits: 3, returningVisits: 2 },
      { period: '2026-11-02 10:00', visitors: 7, visits: 7, newVisits: 7, returningVisits: 0 },
      { period: '2026-11-02 11:00', visitors: 2, visits: 2, newVisits: 2, returningVisits: 0 },
      { period: '2026-11-02 12:00', visitors: 9, visits: 9, newVisits: 9, returningVisits: 0 },
    ],
    totals: { visitors: 21, visits: 23, newVisits: 21, returningVisits: 2 },
    rulesVersions: ['v1'],
  },
  'hour',
  5,
);

function countMarks(svg: string): number {
  return (svg.match(/<path|<rect|<text/g) ?? []).length;
}

test('footfall, new vs returning, dwell, paths, transitions and occupancy render with their data', async () => {
  const specs = [
    footfallChart(footfall, 'hour'),
    newVsReturningChart(footfall, 'hour'),
    dwellChart(
      suppressDwell(
        {
          visits: 7,
          p25S: 60,
          medianS: 300,
          p75S: 600,
          p90S: 900,
          meanS: 400,
          histogram: [
            { fromMin: 0, upToMin: 2, visits: 1 },
            { fromMin: 2, upToMin: 5, visits: 0 },
            { fromMin: 120, upToMin: null, visits: 6 },
          ],
          rulesVersions: [],
        },
        5,
      ),
    ),
    topPathsChart(
      suppressTopPaths(
        {
          visits: 9,
          paths: [
            { path: ['entrance', 'aisle', 'checkout'], visits: 6, share: 0.66 },
            { path: ['entrance'], visits: 3, share: 0.33 },
          ],
          rulesVersions: [],
        },
        10,
        5,
      ),
    ),
    transitionsChart(
      suppressTransitions(
        {
          nodes: ['entrance', 'checkout'],
          links: [{ from: 'entrance', to: 'checkout', visits: 4 }],
          rulesVersions: [],
        },
        5,
      ),
    ),
    occupancyChart(
      suppressOccupancy(
        { people: 0, unidentified: 0, atMs: 0 },
        [
          { at: '2026-11-02 09:00', people: 1 },
          { at: '2026-11-02 09:15', people: 6 },
          { at: '2026-11-02 09:30', people: 0 },
        ],
        5,
      ),
    ),
  ];
  for (const spec of specs) {
    const svg = await renderChartSvg(spec);
    assert.match(svg, /^<svg/);
    assert.ok(countMarks(svg) > 5, 'marks drawn');
  }
  assert.match(await renderChartSvg(specs[0]), /21 unique visitors, 23 visits/);
  assert.match(await renderChartSvg(specs[3]), /entrance → aisle → checkout/);
});

test('a hidden figure is a grey bar as tall as minCount with a "hidden" tooltip, and the subtitle says what grey means', async () => {
  // Time charts are layered: the bars first, then the labels of the gaps (hours no camera watched).
  type Layered = { layer: Array<{ data: { values: Array<Record<string, unknown>> } }>; title: { subtitle: string[] } };
  const spec = footfallChart(footfall, 'hour') as Layered;
  const bars = spec.layer[0].data.values;
  const at11 = bars.filter((v) => v.period === '11:00');
  assert.deepEqual(
    at11.map((v) => [v.bar, v.hidden]),
    [
      [5, true],
      [5, true],
    ],
    'hidden visits and visitors are drawn up to minCount',
  );
  assert.ok(at11.every((v) => String(v.shown).startsWith('hidden (fewer than 5')));
  assert.ok(!bars.some((v) => v.bar === 0 && v.hidden), 'never a zero bar');
  assert.match(spec.title.subtitle.join(' '), /grey: hidden, fewer than 5/);
  const svg = await renderChartSvg(spec as never);
  assert.ok(svg.toLowerCase().includes(PALETTE.hidden), 'grey bars drawn');

  const split = newVsReturningChart(footfall, 'hour') as Layered;
  assert.deepEqual(
    split.layer[0].data.values.filter((v) => v.period === '09:00').map((v) => [v.kind, v.visits]),
    [['hidden', 5]],
    'a hidden split shows its visits as one grey bar',
  );
  assert.match(split.title.subtitle[0], /returning share hidden: fewer than 5/);

  const few = dwellChart(
    suppressDwell(
      {
        visits: 3,
        p25S: 60,
        medianS: 300,
        p75S: 600,
        p90S: 900,
        meanS: 400,
        histogram: [
          { fromMin: 0, upToMin: 2, visits: 0 },
          { fromMin: 2, upToMin: 5, visits: 3 },
        ],
        rulesVersions: [],
      },
      5,
    ),
  ) as { title: { subtitle: string[] } };
  assert.match(few.title.subtitle[0], /fewer than 5 visits: dwell hidden/);
});
