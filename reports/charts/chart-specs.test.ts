// Every chart renders to SVG with marks for its data (real vega, no browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dwellChart, footfallChart, newVsReturningChart, occupancyChart, renderChartSvg, topPathsChart, transitionsChart } from './index.ts';

const footfall = {
  buckets: [
    { period: '2026-11-02 09:00', visitors: 4, visits: 5, newVisits: 3, returningVisits: 2 },
    { period: '2026-11-02 10:00', visitors: 7, visits: 7, newVisits: 7, returningVisits: 0 },
  ],
  totals: { visitors: 10, visits: 12, newVisits: 10, returningVisits: 2 },
  rulesVersions: ['v1'],
};

function countMarks(svg: string): number {
  return (svg.match(/<path|<rect|<text/g) ?? []).length;
}

test('footfall, new vs returning, dwell, paths, transitions and occupancy render with their data', async () => {
  const specs = [
    footfallChart(footfall, 'hour'),
    newVsReturningChart(footfall, 'hour'),
    dwellChart({ visits: 3, p25S: 60, medianS: 300, p75S: 600, p90S: 900, meanS: 400, histogram: [{ fromMin: 0, upToMin: 2, visits: 1 }, { fromMin: 120, upToMin: null, visits: 2 }], rulesVersions: [] }),
    topPathsChart({ visits: 9, paths: [{ path: ['entrance', 'aisle', 'checkout'], visits: 6, share: 0.66 }], rulesVersions: [] }),
    transitionsChart({ nodes: ['entrance', 'checkout'], links: [{ from: 'entrance', to: 'checkout', visits: 4 }], rulesVersions: [] }),
    occupancyChart([{ at: '2026-11-02T09:00:00Z', people: 1 }, { at: '2026-11-02T09:15:00Z', people: 3 }]),
  ];
  for (const spec of specs) {
    const svg = await renderChartSvg(spec);
    assert.match(svg, /^<svg/);
    assert.ok(countMarks(svg) > 5, 'marks drawn');
  }
  const footfallSvg = await renderChartSvg(specs[0]);
  assert.match(footfallSvg, /10 unique visitors, 12 visits/);
  assert.match(await renderChartSvg(specs[3]), /entrance → aisle → checkout/);
});
