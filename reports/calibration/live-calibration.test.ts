/** Stored calibration rows to published error bars: the split rate a site's intervals use is the one its new identities measure. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestScoreSource } from '../../common/calibration/estimate-split-rate.ts';
import { binOf } from '../../common/calibration/score-histogram.ts';
import { publishIntervals } from '../intervals/publish-intervals.ts';
import { SIMULATED_ERROR_RATES, siteErrorRates } from '../intervals/site-error-rates.ts';
import { summariseCalibration, type CalibrationRow } from './live-calibration.ts';

const SCOPE = {
  siteId: 's',
  from: '2025-01-01',
  to: '2025-01-07',
  gallerySize: 900,
  reclusterMerges: 0,
  siteThreshold: 0.45,
};

/** Impostor pairs of N(0, 0.1), binned as the worker stores them. */
function impostorRows(n: number): CalibrationRow[] {
  const rows: CalibrationRow[] = [];
  for (let bin = binOf(-0.5); bin <= binOf(0.5); bin++) {
    const [lo, hi] = [-1 + bin * 0.005, -1 + (bin + 1) * 0.005];
    const mass = Math.exp(-(((lo + hi) / 2 / 0.1) ** 2) / 2) * (0.005 / (0.1 * Math.sqrt(2 * Math.PI)));
    const pairs = Math.round(n * mass);
    if (pairs > 0)
      rows.push({ cameraA: 'door', cameraB: 'door', kind: 'impostor', source: 'cross_identity', bin, pairs });
  }
  return rows;
}

/** New identities of a 900-identity gallery at 0.49: most far under it (strangers), `nearMisses` just under it. */
function bestScoreRows(strangers: number, nearMisses: number): CalibrationRow[] {
  const source = bestScoreSource(900, 0.49);
  const row = (score: number, pairs: number): CalibrationRow => ({
    cameraA: 'door',
    cameraB: 'door',
    kind: 'new_identity',
    source,
    bin: binOf(score),
    pairs,
  });
  return [row(0.3, strangers), ...(nearMisses > 0 ? [row(0.47, nearMisses)] : [])];
}

test("a site's intervals take the split rate its new identities measure, not the simulated one", () => {
  const c = summariseCalibration([...impostorRows(300_000), ...bestScoreRows(1_000, 20)], {
    ...SCOPE,
    thresholdOf: () => 0.45,
  });
  assert.equal(c.pairsBySource.best_score, 1_020);
  assert.equal(c.site.impostorPairs, c.pairsBySource.cross_identity, 'new identities are no impostor pairs');
  const split = c.site.split;
  assert.equal(split.newIdentities, 1_020);
  assert.equal(split.inBand, 20);
  assert.ok(split.strangersInBand < 10, `strangers expected in the band: ${split.strangersInBand}`);
  assert.ok(split.splitShare! > 0.01 && split.splitShare! < 0.06, `split share ${split.splitShare}`);
  assert.deepEqual(c.cameras[0].split, split, 'one camera: the same estimate');
  const repaired = summariseCalibration([...impostorRows(300_000), ...bestScoreRows(1_000, 20)], {
    ...SCOPE,
    reclusterMerges: 10,
    thresholdOf: () => 0.45,
  }).site.split;
  assert.ok(
    Math.abs(split.splitShare! - repaired.splitShare! - 10 / 1_020) < 1e-9,
    'ten identities merged away since: ten splits fewer still standing',
  );

  const rates = siteErrorRates(c.site, split);
  assert.deepEqual(rates.splitOfNew, {
    rate: split.splitShare,
    low: split.splitShareRange![0],
    high: split.splitShareRange![1],
  });
  assert.match(rates.method, /split rate measured the same way from the best scores of its 1020 new identities/);
  const figures = { visitors: 2000, visits: 5000, returningVisits: 3000 };
  const measured = publishIntervals(figures, rates)!;
  const simulated = publishIntervals(figures, { ...rates, splitOfNew: null })!;
  assert.ok(
    measured.visitors.high < simulated.visitors.low,
    `2 % of new identities missed returns: fewer true visitors (${JSON.stringify(measured.visitors)} vs ${JSON.stringify(simulated.visitors)})`,
  );
  assert.ok(measured.returningRate.low > simulated.returningRate.high, 'and a higher true returning rate');
});

test('too few new identities: the simulated split rate, and the method says so', () => {
  const c = summariseCalibration([...impostorRows(300_000), ...bestScoreRows(50, 2)], {
    ...SCOPE,
    thresholdOf: () => 0.45,
  });
  assert.equal(c.site.split.splitShare, null);
  const rates = siteErrorRates(c.site, c.site.split);
  assert.equal(rates.splitOfNew, null);
  assert.deepEqual(rates.rates.split, SIMULATED_ERROR_RATES.split);
  assert.match(rates.method, /split rate simulated: too few new identities yet \(52\)/);
});

test('stored new identities give the merge estimate too: their gallery and threshold, the strangers among them', () => {
  const c = summariseCalibration([...impostorRows(300_000), ...bestScoreRows(1_000, 20)], {
    ...SCOPE,
    thresholdOf: () => 0.45,
  });
  const { merge, split } = c.site;
  assert.ok(Math.abs(merge.strangersMinted - (1_020 - split.missedAtMinting!)) < 1e-9);
  // N(0, 0.1) at 0.49 is 4.9 sd: ~5e-7 a comparison, ~4e-4 for a gallery of ~900, well under one merge.
  assert.ok(merge.merged! > 0.1 && merge.merged! < 1, `merged ${merge.merged}`);
  const rates = siteErrorRates(c.site, split, merge);
  assert.deepEqual(rates.rates.merge, {
    rate: merge.mergeShare,
    low: merge.mergeShareRange![0],
    high: merge.mergeShareRange![1],
  });
  assert.match(
    rates.method,
    /merge rate measured the same way from the galleries its new identities were compared with/,
  );
});
