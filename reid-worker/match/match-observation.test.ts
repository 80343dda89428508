/** Each rule of the match decision, on hand-made neighbour lists. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchObservation } from './match-observation.ts';
import { effectiveThreshold, naivePolicy, resolvePolicy } from './match-policy.ts';

const n = (identityId: string, similarity: number) => ({ identityId, similarity });

test('threshold: the nearest identity at or above it matches, else a new identity', () => {
  assert.deepEqual(matchObservation([n('a', 0.6)], { matchMinCosine: 0.5 }), {
    kind: 'matched',
    identityId: 'a',
    similarity: 0.6,
  });
  assert.deepEqual(matchObservation([n('a', 0.5)], { matchMinCosine: 0.5 }), {
    kind: 'matched',
    identityId: 'a',
    similarity: 0.5,
  });
  assert.deepEqual(matchObservation([n('a', 0.49)], { matchMinCosine: 0.5 }), { kind: 'new' });
  assert.deepEqual(matchObservation([], { matchMinCosine: 0.5 }), { kind: 'new' });
});

test('ambiguity margin: two identities both matching within the margin defer to the better one without deciding', () => {
  const policy = { matchMinCosine: 0.5, ambiguityMargin: 0.05 };
  assert.deepEqual(matchObservation([n('a', 0.62), n('b', 0.6)], policy), {
    kind: 'deferred',
    reason: 'ambiguous',
    identityId: 'a',
    similarity: 0.62,
    runnerUpId: 'b',
  });
  assert.equal(matchObservation([n('a', 0.7), n('b', 0.6)], policy).kind, 'matched', 'a clear winner matches');
  assert.equal(
    matchObservation([n('a', 0.52), n('b', 0.49)], policy).kind,
    'matched',
    'a runner-up below threshold is no rival',
  );
  assert.equal(
    matchObservation([n('a', 0.62), n('b', 0.6)], naivePolicy(0.5)).kind,
    'matched',
    'off in the naive floor',
  );
});

test('quality-aware threshold: a poorer face needs a higher similarity', () => {
  const policy = resolvePolicy({ matchMinCosine: 0.5, lowQualityPenalty: 0.2 });
  assert.equal(effectiveThreshold(policy, 1), 0.5);
  assert.ok(Math.abs(effectiveThreshold(policy, 0.5) - 0.6) < 1e-12);
  assert.equal(matchObservation([n('a', 0.55)], policy, 1).kind, 'matched');
  assert.equal(matchObservation([n('a', 0.55)], policy, 0.5).kind, 'new');
  assert.equal(effectiveThreshold(policy, 7), 0.5, 'quality is clamped to 0..1');
});

test('deferral: a low-quality face joins without deciding, or mints a provisional identity', () => {
  const policy = { matchMinCosine: 0.5, deferBelowQuality: 0.4 };
  assert.deepEqual(matchObservation([n('a', 0.7)], policy, 0.3), {
    kind: 'deferred',
    reason: 'low_quality',
    identityId: 'a',
    similarity: 0.7,
  });
  assert.deepEqual(matchObservation([n('a', 0.3)], policy, 0.3), {
    kind: 'deferred',
    reason: 'low_quality',
    identityId: null,
    similarity: 0.3,
  });
  assert.equal(matchObservation([n('a', 0.7)], policy, 0.5).kind, 'matched', 'good enough faces decide at once');
});

test('engine defaults follow the threshold and never merge below it', () => {
  assert.equal(resolvePolicy({ matchMinCosine: 0.45 }).mergeMinCosine, 0.45);
  assert.equal(resolvePolicy({ matchMinCosine: 0.4 }).mergeMinCosine, 0.45);
  assert.equal(resolvePolicy({ matchMinCosine: 0.6 }).mergeMinCosine, 0.6);
  assert.equal(resolvePolicy({ matchMinCosine: 0.45, mergeMinCosine: 0.7 }).mergeMinCosine, 0.7);
});
