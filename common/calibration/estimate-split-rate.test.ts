/** The split estimate against synthetic streams whose share of missed returns is known. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantileNormal } from 'vega-statistics';
import { seededRandom, type Random } from '../seeded-random.ts';
import {
  bestScoreSource,
  estimateSplitRate,
  GENUINE_PRIOR,
  parseBestScoreSource,
  type BestScoreSample,
} from './estimate-split-rate.ts';
import { gaussian, IMPOSTOR, impostorPairs } from './synthetic-scores.test-helpers.ts';

/**
 * A stream of new identities: strangers whose best score is the maximum of G impostor scores
 * (drawn exactly, by inverting F^G) kept when it stays under the threshold, and missed returns
 * whose best score is a genuine score under it. The threshold rises with the gallery as the
 * engine's does.
 */
function stream(strangers: number, splits: number, random: Random): BestScoreSample[] {
  const out: BestScoreSample[] = [];
  const thresholdAt = (g: number) => 0.45 + 0.06 * Math.max(0, Math.log10(g / 200));
  while (out.length < strangers) {
    const gallerySize = 1 + Math.floor(random() * 2_000);
    const threshold = thresholdAt(gallerySize);
    const score = IMPOSTOR.mean + IMPOSTOR.sd * quantileNormal(random() ** (1 / gallerySize));
    if (score < threshold) out.push({ score, gallerySize, threshold, count: 1 });
  }
  for (let k = 0; k < splits; ) {
    const gallerySize = 1 + Math.floor(random() * 2_000);
    const threshold = thresholdAt(gallerySize);
    const score = GENUINE_PRIOR.mean + GENUINE_PRIOR.sd * gaussian(random);
    if (score >= threshold) continue;
    out.push({ score, gallerySize, threshold, count: 1 });
    k++;
  }
  return out;
}

test('a known share of missed returns is found within its range, and near it', () => {
  let inside = 0;
  const errors: number[] = [];
  for (let seed = 1; seed <= 10; seed++) {
    const random = seededRandom(seed);
    const truth = 40 / 4_040;
    const e = estimateSplitRate(stream(4_000, 40, random), impostorPairs(300_000, random));
    assert.ok(e.splitShare !== null && e.splitShareRange !== null);
    if (e.splitShareRange[0] <= truth && truth <= e.splitShareRange[1]) inside++;
    errors.push(Math.abs(e.splitShare - truth) / truth);
  }
  assert.ok(inside >= 8, `the ~90 % range held the truth in ${inside} of 10`);
  const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
  assert.ok(mean < 0.3, `mean relative error ${mean.toFixed(2)}`);
});

test('strangers alone: the estimate stays near zero and its range reaches it', () => {
  const random = seededRandom(11);
  const e = estimateSplitRate(stream(4_000, 0, random), impostorPairs(300_000, random));
  assert.ok(e.strangersInBand > 0, 'the biggest galleries put a few strangers in the band');
  assert.ok(e.splitShare! < 0.004, `split share ${e.splitShare}`);
  assert.equal(e.splitShareRange![0], 0);
});

test('too few new identities or impostor pairs give no estimate rather than a guess', () => {
  const random = seededRandom(12);
  assert.equal(estimateSplitRate(stream(100, 5, random), impostorPairs(300_000, random)).splitShare, null);
  assert.equal(estimateSplitRate(stream(1_000, 10, random), impostorPairs(50, random)).splitShare, null);
});

test('the stored source keeps the gallery to a quarter octave and the threshold to a thousandth', () => {
  const back = parseBestScoreSource(bestScoreSource(900, 0.4892));
  assert.ok(back && Math.abs(back.gallerySize / 900 - 1) < 0.1, JSON.stringify(back));
  assert.equal(back.threshold, 0.489);
  assert.deepEqual(parseBestScoreSource(bestScoreSource(0, 0.45)), { gallerySize: 0, threshold: 0.45 });
  assert.equal(parseBestScoreSource('cross_identity'), null);
  assert.equal(parseBestScoreSource('best_score:g1e9:t450'), null);
});
