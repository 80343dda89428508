/** Error bars from error rates: exact when the engine makes no errors, centred and calibrated when it does. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../common/seeded-random.ts';
import { estimateCountIntervals, type IdentityErrorRates } from './estimate-count-intervals.ts';

const exact = { rate: 0, low: 0, high: 0 };

test('no errors: the interval is the reported figure', () => {
  const i = estimateCountIntervals(
    { visitors: 1000, visits: 2500, returningVisits: 1500 },
    { merge: exact, split: exact, visitCount: exact },
  );
  assert.deepEqual(i.visitors, { estimate: 1000, low: 1000, high: 1000 });
  assert.deepEqual(i.visits, { estimate: 2500, low: 2500, high: 2500 });
  assert.deepEqual(i.returningRate, { estimate: 0.6, low: 0.6, high: 0.6 });
});

test('known rates: the estimate undoes the expected errors, and 90 % intervals cover the truth about 90 % of the time', () => {
  const rates: IdentityErrorRates = {
    merge: { rate: 0.03, low: 0.02, high: 0.04 },
    split: { rate: 0.02, low: 0.015, high: 0.025 },
    visitCount: { rate: 0, low: -0.002, high: 0.002 },
  };
  const random = seededRandom(9);
  const binomial = (n: number, p: number) => Array.from({ length: n }).filter(() => random() < p).length;
  let covered = 0;
  const runs = 200;
  for (let k = 0; k < runs; k++) {
    const [u, r] = [2000, 3000];
    const m = 0.02 + 0.02 * random();
    const s = 0.015 + 0.01 * random();
    const merges = binomial(u, m);
    const splits = binomial(r, s);
    const reported = { visitors: u - merges + splits, visits: u + r, returningVisits: r + merges - splits };
    const i = estimateCountIntervals(reported, rates, { draws: 1000, random: seededRandom(k + 1) });
    if (i.visitors.low <= u && u <= i.visitors.high) covered++;
    if (k === 0) assert.ok(Math.abs(i.visitors.estimate - u) < 40, `estimate ${i.visitors.estimate} vs ${u}`);
  }
  assert.ok(covered / runs >= 0.85 && covered / runs <= 0.97, `coverage ${covered / runs}`);
});
