/** A complete, hand-made digest for tests of layout and wording (no database needed), suppressed with minCount 5. */
import type { CoveredFootfall } from '../coverage/index.ts';
import {
  suppressDwell,
  suppressFootfall,
  suppressTopPaths,
  suppressTransitions,
  type PublishedFootfall,
} from '../privacy/index.ts';
import type { DigestData } from './collect-digest-data.ts';
import { publishIntervals } from '../intervals/publish-intervals.ts';
import { siteErrorRates } from '../intervals/site-error-rates.ts';
import { digestPeriod } from './digest-period.ts';

const MIN_COUNT = 5;

/** Footfall of a period every camera watched whole. */
function watched(f: PublishedFootfall): CoveredFootfall {
  return {
    ...f,
    buckets: f.buckets.map((b) => ({ ...b, coverage: 1 })),
    totals: { ...f.totals, coverage: 1 },
    partial: false,
    noData: false,
  };
}

export function digestFixture(): DigestData {
  const hours = Array.from({ length: 11 }, (_, i) => 9 + i);
  return {
    site: { id: 'store-1', name: 'Store One', tenant: 't', timezone: 'Europe/Berlin' },
    period: digestPeriod('day', '2026-11-02'),
    generatedAtMs: Date.parse('2026-11-03T06:00:00Z'),
    minCount: MIN_COUNT,
    headline: {
      visitors: { value: 132, previous: 120 },
      visits: { value: 140, previous: 131 },
      returningRate: { value: 0.27, previous: 0.22 },
      medianDwellS: { value: 754, previous: 690 },
    },
    intervals: publishIntervals({ visitors: 132, visits: 140, returningVisits: 38 }, siteErrorRates(null)),
    footfall: watched(
      suppressFootfall(
        {
          buckets: hours.map((h) => ({
            period: `2026-11-02 ${String(h).padStart(2, '0')}:00`,
            visitors: 6 + ((h * 7) % 11),
            visits: 7 + ((h * 7) % 11),
            newVisits: 5 + ((h * 7) % 9),
            returningVisits: 2,
          })),
          totals: { visitors: 132, visits: 140, newVisits: 102, returningVisits: 38 },
          rulesVersions: ['rules-v1-3f2a'],
        },
        'hour',
        MIN_COUNT,
      ),
    ),
    footfallBy: 'hour',
    dwell: suppressDwell(
      {
        visits: 140,
        p25S: 300,
        medianS: 754,
        p75S: 1300,
        p90S: 2100,
        meanS: 900,
        rulesVersions: ['rules-v1-3f2a'],
        histogram: [
          { fromMin: 0, upToMin: 2, visits: 8 },
          { fromMin: 2, upToMin: 5, visits: 21 },
          { fromMin: 5, upToMin: 10, visits: 30 },
          { fromMin: 10, upToMin: 20, visits: 41 },
          { fromMin: 20, upToMin: 30, visits: 22 },
          { fromMin: 30, upToMin: 60, visits: 14 },
          { fromMin: 60, upToMin: null, visits: 4 },
        ],
      },
      MIN_COUNT,
    ),
    topPaths: suppressTopPaths(
      {
        visits: 140,
        rulesVersions: ['rules-v1-3f2a'],
        paths: [
          { path: ['entrance', 'aisle', 'checkout'], visits: 61, share: 61 / 140 },
          { path: ['entrance', 'checkout'], visits: 44, share: 44 / 140 },
          { path: ['entrance'], visits: 35, share: 35 / 140 },
        ],
      },
      10,
      MIN_COUNT,
    ),
    transitions: suppressTransitions(
      {
        nodes: ['entrance', 'aisle', 'checkout'],
        rulesVersions: ['rules-v1-3f2a'],
        links: [
          { from: 'entrance', to: 'aisle', visits: 61 },
          { from: 'aisle', to: 'checkout', visits: 61 },
          { from: 'entrance', to: 'checkout', visits: 44 },
        ],
      },
      MIN_COUNT,
    ),
    busiestHours: [
      { hour: 17, visits: 17 },
      { hour: 12, visits: 16 },
      { hour: 9, visits: 14 },
    ],
    rulesVersions: ['rules-v1-3f2a'],
    coverage: { coverage: 1, partial: false, noData: false },
    comparison: { from: '2026-10-26', to: '2026-10-27', complete: true },
    silentCameras: [],
  };
}
