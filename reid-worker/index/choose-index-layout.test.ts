/** The layout rules: exact below the threshold, √n lists above, probes, and when a sliding window's index is rebuilt. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imbalanceFactor, listsFor, needsRebuild, probesFor } from './choose-index-layout.ts';

const OPTIONS = { exactBelow: 10_000, nprobe: 48 };

test('one list below the threshold, √n lists above, probes a tenth of them but at least 48', () => {
  assert.equal(listsFor(9_999, OPTIONS), 1);
  assert.equal(listsFor(100_000, OPTIONS), 316);
  assert.equal(listsFor(1_000_000, OPTIONS), 1000);
  assert.equal(listsFor(2_000, { exactBelow: 1000, nprobe: 48 }), 51, 'never fewer than 39 points a list');
  assert.deepEqual(
    [probesFor(1, OPTIONS), probesFor(316, OPTIONS), probesFor(1000, OPTIONS), probesFor(40, OPTIONS)],
    [1, 48, 100, 40],
  );
});

test('rebuild when the site doubled, shrank to a quarter, crossed the threshold, or its lists drifted', () => {
  const balanced = 1.1;
  assert.equal(needsRebuild(150_000, 100_000, balanced, balanced, OPTIONS), false, 'grown by half: same lists');
  assert.equal(needsRebuild(200_000, 100_000, balanced, balanced, OPTIONS), true, 'doubled');
  assert.equal(
    needsRebuild(30_000, 100_000, balanced, balanced, OPTIONS),
    false,
    'expiry only removes: lists still fit',
  );
  assert.equal(needsRebuild(25_000, 100_000, balanced, balanced, OPTIONS), true, 'shrunk to a quarter');
  assert.equal(needsRebuild(9_000, 12_000, balanced, balanced, OPTIONS), true, 'back below the exact threshold');
  assert.equal(needsRebuild(10_000, 5_000, 1, 1, OPTIONS), true, 'grown past the exact threshold');
  assert.equal(needsRebuild(120_000, 100_000, 2.5, balanced, OPTIONS), true, 'the lists drifted out of balance');
});

test('imbalance factor: 1 for equal lists, more as one list takes the queries', () => {
  assert.equal(imbalanceFactor(Uint32Array.of(5, 5, 5, 5)), 1);
  assert.equal(imbalanceFactor(Uint32Array.of(20, 0, 0, 0)), 4);
  assert.equal(imbalanceFactor(new Uint32Array(3)), 1);
});
