/** Clustering metrics against cases computed by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countErrorPct, scoreClustering } from './measure-clustering.ts';

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

test('a perfect clustering scores 1 everywhere and 0 % count error', () => {
  const s = scoreClustering(['a', 'a', 'b'], ['x', 'x', 'y']);
  assert.deepEqual(s, {
    true_ids: 2,
    created_ids: 2,
    pairwise_precision: 1,
    pairwise_recall: 1,
    pairwise_f1: 1,
    bcubed_precision: 1,
    bcubed_recall: 1,
    bcubed_f1: 1,
    count_error_pct: 0,
  });
});

test('a split: truth {1,2,3,4} one person, predicted {1,2}{3}{4}', () => {
  const s = scoreClustering(['a', 'a', 'a', 'a'], ['x', 'x', 'y', 'z']);
  // Pairs: truth 6, predicted 1, both 1 → P 1, R 1/6.
  close(s.pairwise_precision, 1, 'pairwise P');
  close(s.pairwise_recall, 1 / 6, 'pairwise R');
  close(s.pairwise_f1, (2 * (1 / 6)) / (1 + 1 / 6), 'pairwise F1');
  // BCubed recall per item: 2/4, 2/4, 1/4, 1/4 → 6/16.
  close(s.bcubed_precision, 1, 'BCubed P');
  close(s.bcubed_recall, 6 / 16, 'BCubed R');
  close(s.count_error_pct, 200, 'count error');
});

test('a wrong merge: truth {a,a}{b}, predicted one cluster', () => {
  const s = scoreClustering(['a', 'a', 'b'], ['x', 'x', 'x']);
  // Pairs: predicted 3, both 1 → P 1/3, R 1.
  close(s.pairwise_precision, 1 / 3, 'pairwise P');
  close(s.pairwise_recall, 1, 'pairwise R');
  // BCubed precision per item: 2/3, 2/3, 1/3 → 5/9; recall 1.
  close(s.bcubed_precision, 5 / 9, 'BCubed P');
  close(s.bcubed_recall, 1, 'BCubed R');
  close(s.bcubed_f1, (2 * (5 / 9)) / (5 / 9 + 1), 'BCubed F1');
  close(s.count_error_pct, -50, 'count error');
});

test('mixed: truth a a b b, predicted x y y y', () => {
  const s = scoreClustering(['a', 'a', 'b', 'b'], ['x', 'y', 'y', 'y']);
  // Pairs: truth {a:1, b:1} = 2, predicted y: 3, together (a,y)=0 + (b,y)=1 → P 1/3, R 1/2.
  close(s.pairwise_precision, 1 / 3, 'pairwise P');
  close(s.pairwise_recall, 1 / 2, 'pairwise R');
  // BCubed P: 1/1, 1/3, 2/3, 2/3 → (1 + 5/3)/4 = 2/3; R: 1/2, 1/2, 1, 1 → 3/4.
  close(s.bcubed_precision, 2 / 3, 'BCubed P');
  close(s.bcubed_recall, 3 / 4, 'BCubed R');
  assert.equal(s.true_ids, 2);
  assert.equal(s.created_ids, 2);
});

test('labels that contain separators do not collide', () => {
  const s = scoreClustering(['a|b', 'a', 'a'], ['c', 'b|c', 'b|c']);
  close(s.bcubed_precision, 1, 'BCubed P');
});

test('empty input scores 1 and mismatched lengths are refused', () => {
  assert.equal(scoreClustering([], []).bcubed_f1, 1);
  assert.throws(() => scoreClustering(['a'], []), /differ in length/);
  assert.equal(countErrorPct(0, 0), 0);
  assert.equal(countErrorPct(50, 51), 2);
});
