/** The pure re-clustering planner: thresholds, cannot-link, direction, one merge per identity per pass. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeEvidenceThreshold, resolvePolicy } from './match-policy.ts';
import { planMerges, type MergeFacts } from './plan-merges.ts';

// The evidence rule is off here (tested on its own below): these cases are about the planner.
const policy = resolvePolicy({
  matchMinCosine: 0.45,
  mergeMinCosine: 0.5,
  provisionalMergeMinCosine: 0.4,
  mergeEvidenceMargin: 1,
});

function facts(
  weights: Record<string, number>,
  provisional: string[] = [],
  cannot: Array<[string, string]> = [],
): MergeFacts {
  return {
    weight: (id) => weights[id],
    isProvisional: (id) => provisional.includes(id),
    cannotLink: (a, b) => cannot.some(([x, y]) => (x === a && y === b) || (x === b && y === a)),
  };
}

test('converged centroids merge, the lighter identity into the heavier', () => {
  const events = planMerges([{ a: 'big', b: 'small', similarity: 0.6 }], facts({ big: 5, small: 1 }), policy);
  assert.deepEqual(events, [{ from: 'small', to: 'big', similarity: 0.6 }]);
});

test('pairs below the merge threshold stay apart', () => {
  assert.deepEqual(planMerges([{ a: 'x', b: 'y', similarity: 0.49 }], facts({ x: 1, y: 1 }), policy), []);
});

test('cannot-link forbids a merge however similar', () => {
  assert.deepEqual(
    planMerges([{ a: 'x', b: 'y', similarity: 0.99 }], facts({ x: 1, y: 1 }, [], [['x', 'y']]), policy),
    [],
  );
});

test('a provisional identity merges at the relaxed threshold and always folds into the established one', () => {
  const events = planMerges([{ a: 'est', b: 'prov', similarity: 0.42 }], facts({ est: 1, prov: 3 }, ['prov']), policy);
  assert.deepEqual(events, [{ from: 'prov', to: 'est', similarity: 0.42 }]);
  assert.deepEqual(
    planMerges([{ a: 'est', b: 'prov', similarity: 0.38 }], facts({ est: 1, prov: 1 }, ['prov']), policy),
    [],
  );
});

test('most similar pair first, and each identity merges at most once per pass', () => {
  const events = planMerges(
    [
      { a: 'a', b: 'b', similarity: 0.6 },
      { a: 'b', b: 'c', similarity: 0.9 },
      { a: 'a', b: 'd', similarity: 0.55 },
      { a: 'a', b: 'a', similarity: 1 },
    ],
    facts({ a: 1, b: 2, c: 3, d: 4 }),
    policy,
  );
  assert.deepEqual(events, [
    { from: 'b', to: 'c', similarity: 0.9 },
    { from: 'a', to: 'd', similarity: 0.55 },
  ]);
});

test("evidence: well-seen identities must be as close as one person's two centroids are, single faces only the merge threshold", () => {
  const withEvidence = resolvePolicy({ matchMinCosine: 0.45, mergeMinCosine: 0.45, mergeEvidenceMargin: 0.2 });
  assert.ok(Math.abs(mergeEvidenceThreshold(withEvidence, 1, 1) - (0.676 - 0.2)) < 1e-9);
  assert.equal(mergeEvidenceThreshold(withEvidence, 30, 30), 0.75, 'capped');
  assert.equal(
    mergeEvidenceThreshold(resolvePolicy({ matchMinCosine: 0.45, mergeEvidenceMargin: 1 }), 30, 30),
    -1,
    'off',
  );
  // Two strangers' identities of 20 sightings each at 0.6: far below the 0.95 two halves of one person reach.
  assert.deepEqual(planMerges([{ a: 'x', b: 'y', similarity: 0.6 }], facts({ x: 20, y: 20 }), withEvidence), []);
  assert.deepEqual(planMerges([{ a: 'x', b: 'y', similarity: 0.8 }], facts({ x: 20, y: 20 }), withEvidence).length, 1);
  // Two single faces at 0.48 merge: that is how one person's photos compare.
  assert.deepEqual(planMerges([{ a: 'x', b: 'y', similarity: 0.48 }], facts({ x: 1, y: 1 }), withEvidence).length, 1);
  assert.deepEqual(planMerges([{ a: 'x', b: 'y', similarity: 0.47 }], facts({ x: 1, y: 1 }), withEvidence), []);
});
