/** The centroid update: quality-weighted mean on the unit sphere, and the drift cap. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosine } from '../../ingest/face/measure-eer.ts';
import { unit } from './synthetic-faces.test-helpers.ts';
import { capDrift, updateCentroid } from './update-centroid.ts';

test('updateCentroid is a weighted mean on the unit sphere', () => {
  const c = updateCentroid(unit([1, 0]), 1, unit([0, 1]), 1);
  assert.ok(Math.abs(Math.hypot(...c) - 1) < 1e-6);
  assert.ok(Math.abs(c[0] - c[1]) < 1e-6);
  const heavy = updateCentroid(unit([1, 0]), 9, unit([0, 1]), 1);
  assert.ok(heavy[0] > heavy[1] * 8, 'an established identity moves little');
  const poor = updateCentroid(unit([1, 0]), 1, unit([0, 1]), 0.1);
  assert.ok(poor[0] > poor[1] * 9, 'a low-quality face weighs less');
});

test('drift cap: one observation turns the centroid by at most the allowed angle, towards the mean', () => {
  const from = unit([1, 0, 0]);
  const outlier = unit([0, 1, 0]);
  const capped = updateCentroid(from, 1, outlier, 1, 0.95);
  assert.ok(Math.abs(cosine(from, capped) - 0.95) < 1e-6, `moved to cosine ${cosine(from, capped)}`);
  assert.ok(Math.abs(Math.hypot(...capped) - 1) < 1e-6);
  assert.ok(capped[1] > 0 && Math.abs(capped[2]) < 1e-6, 'on the great circle towards the observation');
  const uncapped = updateCentroid(from, 1, outlier, 1);
  assert.ok(cosine(from, uncapped) < 0.95, 'without the cap the same face drags it further');
  const near = unit([1, 0.1, 0]);
  assert.deepEqual(capDrift(from, near, 0.9), near, 'a small move is not touched');
});
