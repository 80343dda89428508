/** The merge estimate against synthetic streams whose strangers joined to someone else are counted. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantileNormal } from 'vega-statistics';
import { seededRandom, type Random } from '../seeded-random.ts';
import { estimateMergeRate } from './estimate-merge-rate.ts';
import { GENUINE_PRIOR, type BestScoreSample } from './estimate-split-rate.ts';
import { gaussian, IMPOSTOR, impostorPairs } from './synthetic-scores.test-helpers.ts';

/**
 * Strangers arrive at galleries of 1..2,000 whose threshold rises with the gallery as the
 * engine's does (from 0.35, low enough that a tenth or more of them are joined, so the truth is
 * not a handful): each one's best score is the maximum of G impostor scores (drawn exactly, by
 * inverting F^G); at or above the threshold it is a merge, counted, else a new identity. Missed
 * returns add new identities whose best score is a genuine score under the threshold.
 */
function stream(
  strangers: number,
  missedReturns: number,
  random: Random,
): { samples: BestScoreSample[]; merged: number } {
  const samples: BestScoreSample[] = [];
  const thresholdAt = (g: number) => 0.35 + 0.06 * Math.max(0, Math.log10(g / 200));
  let merged = 0;
  for (let i = 0; i < strangers; i++) {
    const gallerySize = 1 + Math.floor(random() * 2_000);
    const threshold = thresholdAt(gallerySize);
    const score = IMPOSTOR.mean + IMPOSTOR.sd * quantileNormal(random() ** (1 / gallerySize));
    if (score >= threshold) merged++;
    else samples.push({ score, gallerySize, threshold, count: 1 });
  }
  for (let k = 0; k < missedReturns; ) {
    const gallerySize = 1 + Math.floor(random() * 2_000);
    const threshold = thresholdAt(gallerySize);
    const score = GENUINE_PRIOR.mean + GENUINE_PRIOR.sd * gaussian(random);
    if (score >= threshold) continue;
    samples.push({ score, gallerySize, threshold, count: 1 });
    k++;
  }
  return { samples, merged };
}

test('the strangers joined to an earlier identity are found near their count, within the range', () => {
  let inside = 0;
  const errors: number[] = [];
  for (let seed = 1; seed <= 10; seed++) {
    const random = seededRandom(seed);
    const { samples, merged } = stream(3_000, 0, random);
    assert.ok(merged > 80, `a known, non-trivial number of merges (${merged})`);
    const e = estimateMergeRate(samples, impostorPairs(300_000, random));
    assert.ok(e.merged !== null && e.mergedRange !== null && e.mergeShare !== null);
    // The range is the tail fit's only; the count's own Poisson noise (~√merged) is the intervals' draw.
    const noise = 1.645 * Math.sqrt(merged);
    if (e.mergedRange[0] - noise <= merged && merged <= e.mergedRange[1] + noise) inside++;
    errors.push(Math.abs(e.merged - merged) / merged);
    assert.ok(Math.abs(e.mergeShare - merged / 3_000) < 0.02, `share ${e.mergeShare} against ${merged / 3_000}`);
  }
  assert.ok(inside >= 9, `the range held the truth in ${inside} of 10`);
  // The tail is extrapolated from its p99.9 (3.1 sd) to the thresholds (3.5–4.1 sd): ~15 % either way.
  const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
  assert.ok(mean < 0.2, `mean relative error ${mean.toFixed(3)}`);
});

test("missed returns are not strangers: told how many, the estimate is the strangers' own", () => {
  const random = seededRandom(22);
  const { samples, merged } = stream(3_000, 600, random);
  const impostors = impostorPairs(300_000, random);
  const strangersOnly = estimateMergeRate(samples.slice(0, samples.length - 600), impostors).merged!;
  const told = estimateMergeRate(samples, impostors, { missedAtMinting: 600 });
  const untold = estimateMergeRate(samples, impostors).merged!;
  assert.equal(told.strangersMinted, samples.length - 600);
  assert.ok(Math.abs(told.merged! / strangersOnly - 1) < 0.05, `told ${told.merged}, strangers alone ${strangersOnly}`);
  assert.ok(Math.abs(told.merged! / merged - 1) < 0.2, `told ${told.merged} against the true ${merged}`);
  assert.ok(untold > told.merged! * 1.15, `untold ${untold} counts the returns as strangers`);
});

test('a fixed threshold at a growing gallery: merges grow with it', () => {
  const random = seededRandom(31);
  const impostors = impostorPairs(300_000, random);
  const at = (gallerySize: number) =>
    estimateMergeRate([{ score: 0.2, gallerySize, threshold: 0.4, count: 1_000 }], impostors).merged!;
  const [small, large] = [at(100), at(10_000)];
  assert.ok(small > 0 && large > 50 * small, `${small} at 100 identities, ${large} at 10,000`);
});

test('too few new identities or impostor pairs give no estimate rather than a guess', () => {
  const random = seededRandom(12);
  assert.equal(estimateMergeRate(stream(100, 0, random).samples, impostorPairs(300_000, random)).merged, null);
  assert.equal(estimateMergeRate(stream(1_000, 0, random).samples, impostorPairs(50, random)).mergeShare, null);
});
