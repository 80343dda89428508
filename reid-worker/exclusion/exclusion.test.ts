import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExclusionTemplate } from '../../identity-registry/index.ts';
import { averageEmbeddings, buildTemplate, EnrolmentError } from './build-template.ts';
import { matchExclusion } from './match-exclusion.ts';

function unit(values: number[]): Float32Array {
  const n = Math.hypot(...values);
  return Float32Array.from(values, (v) => v / n);
}

function template(templateId: string, label: string, embedding: Float32Array): ExclusionTemplate {
  return { siteId: 's', templateId, label, embedding, images: 1, enrolledMs: 0 };
}

test('matchExclusion picks the most similar template at or above the threshold, else null', () => {
  const templates = [template('a', 'staff', unit([1, 0, 0])), template('b', 'security', unit([0.8, 0.6, 0]))];
  assert.deepEqual(matchExclusion(unit([0.9, 0.5, 0]), templates, 0.5)?.templateId, 'b');
  assert.equal(matchExclusion(unit([0.9, 0.5, 0]), templates, 0.5)?.label, 'security');
  assert.equal(matchExclusion(unit([1, 0.05, 0]), templates, 0.5)?.templateId, 'a');
  assert.equal(matchExclusion(unit([0, 0, 1]), templates, 0.5), null, 'a stranger is nobody');
  const exact = matchExclusion(unit([1, 0, 0]), [templates[0]], 1);
  assert.ok(exact && Math.abs(exact.similarity - 1) < 1e-6, 'the threshold is inclusive');
  assert.equal(matchExclusion(unit([1, 0, 0]), [], -1), null, 'no templates, no exclusion');
});

test('averageEmbeddings is the normalised mean', () => {
  const t = averageEmbeddings([unit([1, 0]), unit([0, 1])]);
  assert.ok(Math.abs(Math.hypot(...t) - 1) < 1e-6);
  assert.ok(Math.abs(t[0] - t[1]) < 1e-6);
  assert.throws(() => averageEmbeddings([]), EnrolmentError);
});

test('buildTemplate refuses photos that are not of one person, and accepts one photo', () => {
  const same = [unit([1, 0.1, 0]), unit([1, -0.1, 0]), unit([1, 0, 0.1])];
  assert.ok(buildTemplate(same, 0.5)[0] > 0.99);
  assert.throws(
    () => buildTemplate([...same, unit([0, 0, 1])], 0.5),
    (e: unknown) => e instanceof EnrolmentError && /#4/.test(e.message) && !/#1/.test(e.message),
  );
  assert.deepEqual(Array.from(buildTemplate([unit([0, 1])], 0.5)), [0, 1]);
});
