/** The label-free estimator against samples whose truth is known. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../common/seeded-random.ts';
import { estimateErrorRates, suggestThreshold } from './estimate-error-rates.ts';
import { addScore, type ScoreHistogram } from './score-histogram.ts';

function gaussianSample(n: number, mean: number, sd: number, seed: number): ScoreHistogram {
  const random = seededRandom(seed);
  const h: ScoreHistogram = new Map();
  for (let i = 0; i < n; i++)
    addScore(h, mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  return h;
}

test('the tail fit reaches rates far below what the sample counts, within its range', () => {
  const impostors = gaussianSample(200_000, 0, 0.1, 1);
  const genuine = gaussianSample(2_000, 0.7, 0.12, 2);
  const e = estimateErrorRates(impostors, genuine, 0.45);
  const truth = 3.4e-6; // P(Z ≥ 4.5)
  assert.ok(e.fmr! > truth / 1.5 && e.fmr! < truth * 1.5, `fmr ${e.fmr}`);
  assert.ok(e.fmrRange![0] <= e.fmr! && e.fmr! <= e.fmrRange![1]);
  assert.ok(e.fmrCounted! < 2e-5, 'the sample itself counts almost nothing that high');
  assert.ok(Math.abs(e.fnmr! - 0.0188) < 0.01, `fnmr ${e.fnmr} vs P(N(0.7, 0.12) < 0.45) = 0.019`);
  assert.equal(e.impostorPairs, 200_000);
});

test('too few pairs give no estimate rather than a guess', () => {
  const e = estimateErrorRates(gaussianSample(50, 0, 0.1, 3), new Map(), 0.45);
  assert.equal(e.fmr, null);
  assert.equal(e.fnmr, null);
  assert.equal(suggestThreshold(gaussianSample(50, 0, 0.1, 3), new Map(), 100), null);
});

test('the suggested threshold rises with the gallery', () => {
  const impostors = gaussianSample(100_000, 0, 0.1, 4);
  const genuine = gaussianSample(5_000, 0.7, 0.12, 5);
  const small = suggestThreshold(impostors, genuine, 100)!;
  const large = suggestThreshold(impostors, genuine, 100_000)!;
  assert.ok(small < large, `${small} < ${large}`);
  assert.ok(small > 0.2 && large < 0.8);
});
