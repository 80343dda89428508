/** How the top paths are ranked and how far a reported top path trails the true one. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankPaths, showPaths, topPathTrueGap } from './score-store-reports.ts';

const truth = rankPaths([
  { path: ['entrance', 'zone-c', 'checkout'], visits: 479 },
  { path: ['entrance', 'zone-b'], visits: 233 },
  { path: ['entrance', 'zone-b', 'checkout'], visits: 481 },
  { path: ['entrance', 'zone-a', 'checkout'], visits: 479 },
]);

test('paths rank by visits, ties by path as the report query orders them, and print as a > b', () => {
  assert.deepEqual(showPaths(truth), [
    { path: 'entrance > zone-b > checkout', visits: 481 },
    { path: 'entrance > zone-a > checkout', visits: 479 },
  ]);
});

test('the gap is 0 for the true top path and the true shortfall of another, as a share of the top', () => {
  assert.equal(topPathTrueGap(truth, ['entrance', 'zone-b', 'checkout']), 0);
  // Two visits short of 481: a near-tie.
  assert.equal(topPathTrueGap(truth, ['entrance', 'zone-c', 'checkout']), 0.0042);
  assert.equal(topPathTrueGap(truth, ['entrance', 'zone-b']), 0.5156);
  assert.equal(topPathTrueGap(truth, ['zone-a']), 1, 'a path the truth never had');
  assert.equal(topPathTrueGap(truth, undefined), 1, 'no path reported');
  assert.equal(topPathTrueGap([], undefined), 0, 'no path in either');
});
