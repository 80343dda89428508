import { test } from 'node:test';
import assert from 'node:assert/strict';
import { publishIntervals } from './publish-intervals.ts';
import { SIMULATED_ERROR_RATES, siteErrorRates } from './site-error-rates.ts';

test('intervals surround the shown figures and say how they were obtained', () => {
  const i = publishIntervals({ visitors: 2000, visits: 2600, returningVisits: 600 }, siteErrorRates(null));
  assert.ok(i);
  assert.equal(i.confidence, 0.9);
  assert.equal(i.source, 'simulated');
  assert.match(i.method, /simulated stores/);
  assert.ok(i.visitors.low < 2000 && i.visitors.high > 2000, JSON.stringify(i.visitors));
  assert.ok(i.visits.low <= 2600 && i.visits.high >= 2600, JSON.stringify(i.visits));
  assert.ok(i.returningRate.low < 600 / 2600 && i.returningRate.high > 600 / 2600, JSON.stringify(i.returningRate));
  assert.ok(Number.isInteger(i.visitors.low) && Number.isInteger(i.visitors.high));
});

test('a hidden figure hides the intervals: they are built from shown figures only', () => {
  const rates = siteErrorRates(null);
  assert.equal(publishIntervals({ visitors: null, visits: 40, returningVisits: 10 }, rates), null);
  assert.equal(publishIntervals({ visitors: 30, visits: 40, returningVisits: null }, rates), null);
  assert.deepEqual(
    publishIntervals({ visitors: 0, visits: 0, returningVisits: 0 }, rates)?.visitors,
    { low: 0, high: 0 },
    'no visits: nothing to be wrong about',
  );
});

test("a site's label-free false-match rate scales the merge rate, within bounds", () => {
  const site = (fmr: number) =>
    siteErrorRates({ fmr, fmrRange: [fmr * 0.8, fmr * 1.25], threshold: 0.45, impostorPairs: 300_000 });
  const same = site(3.1e-5);
  assert.equal(same.source, 'site-calibrated');
  assert.ok(Math.abs(same.rates.merge.rate - SIMULATED_ERROR_RATES.merge.rate) < 1e-12);
  assert.ok(Math.abs(site(6.2e-5).rates.merge.rate - 2 * SIMULATED_ERROR_RATES.merge.rate) < 1e-12);
  assert.ok(Math.abs(site(1).rates.merge.rate - 5 * SIMULATED_ERROR_RATES.merge.rate) < 1e-12, 'clamped at 5×');
  assert.deepEqual(site(6.2e-5).rates.split, SIMULATED_ERROR_RATES.split, 'no split estimate: the simulated rate');
  assert.equal(same.splitOfNew, null);
  assert.match(same.method, /the split rate simulated: too few new identities yet \(0\)/);
  assert.match(same.method, /3\.1e-5 at 0\.45, 300000 pairs/);
  const wide = publishIntervals({ visitors: 2000, visits: 2600, returningVisits: 600 }, site(1.55e-4))!;
  const narrow = publishIntervals({ visitors: 2000, visits: 2600, returningVisits: 600 }, same)!;
  assert.ok(wide.visitors.high > narrow.visitors.high, 'more merges: more visitors may be hidden in the count');
});

test("a site's label-free merge estimate replaces the scaled simulated merge rate", () => {
  const fmr = { fmr: 3.1e-5, fmrRange: [2.5e-5, 3.9e-5] as [number, number], threshold: 0.45, impostorPairs: 300_000 };
  const merge = { mergeShare: 0.01, mergeShareRange: [0.008, 0.013] as [number, number] };
  const measured = siteErrorRates(fmr, null, merge);
  assert.deepEqual(measured.rates.merge, { rate: 0.01, low: 0.008, high: 0.013 });
  assert.match(measured.method, /merge rate measured the same way .* \(1\.00 % of new visitors joined/);
  const unmeasured = siteErrorRates(fmr, null, { mergeShare: null, mergeShareRange: null });
  assert.ok(Math.abs(unmeasured.rates.merge.rate - SIMULATED_ERROR_RATES.merge.rate) < 1e-12, 'too few: scaled');
  assert.match(unmeasured.method, /merge rate scaled by this site's false-match rate/);
  const figures = { visitors: 2000, visits: 2600, returningVisits: 600 };
  const high = publishIntervals(figures, measured)!;
  const low = publishIntervals(figures, unmeasured)!;
  assert.ok(high.visitors.low > low.visitors.low, '1 % merged, not 0.3 %: more visitors hidden in the count');
  assert.ok(high.returningRate.high < low.returningRate.high, 'and fewer of the returning visits real');
});
