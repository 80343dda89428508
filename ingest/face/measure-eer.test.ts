/** Checks the EER and pair-scoring arithmetic on hand-made scores. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { equalErrorRate, scorePairs } from './measure-eer.ts';

test('perfectly separated scores give EER 0 with a threshold between the classes', () => {
  const r = equalErrorRate({ genuine: [0.8, 0.9, 0.7], impostor: [0.1, 0.2, 0.3] });
  assert.equal(r.eer, 0);
  assert.ok(r.threshold > 0.3 && r.threshold <= 0.7);
});

test('one overlapping pair in four on each side gives EER 25 %', () => {
  const r = equalErrorRate({ genuine: [0.2, 0.6, 0.7, 0.8], impostor: [0.1, 0.3, 0.4, 0.65] });
  assert.equal(r.eer, 0.25);
});

test('fully inverted scores give EER 100 %', () => {
  assert.equal(equalErrorRate({ genuine: [0.1, 0.2], impostor: [0.8, 0.9] }).eer, 1);
});

test('scorePairs splits all unordered pairs by label and lets impostor pairs be sampled', () => {
  const e = [new Float32Array([1, 0]), new Float32Array([1, 0]), new Float32Array([0, 1])];
  const all = scorePairs(e, ['a', 'a', 'b']);
  assert.deepEqual(all, { genuine: [1], impostor: [0, 0] });
  assert.deepEqual(
    scorePairs(e, ['a', 'a', 'b'], (i) => i === 0),
    { genuine: [1], impostor: [0] },
  );
});

test('EER refuses an empty class', () => {
  assert.throws(() => equalErrorRate({ genuine: [], impostor: [0.1] }), /both genuine and impostor/);
});
