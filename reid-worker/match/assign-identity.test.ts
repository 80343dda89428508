import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FaceObservation } from '../../schemas/index.ts';
import { SiteState } from '../site-state.ts';
import { assignIdentity } from './assign-identity.ts';
import { matchObservation } from './match-observation.ts';
import { updateCentroid } from './update-centroid.ts';

const DIM = 16;

function unit(values: number[]): Float32Array {
  const n = Math.hypot(...values);
  return Float32Array.from(values, (v) => v / n);
}

/** A person's face: a base direction plus small noise, as a real embedding varies between photos. */
function face(person: number, noise: number, seed: number): Float32Array {
  return unit(Array.from({ length: DIM }, (_, i) => (i === person ? 1 : 0) + noise * Math.sin(seed * 7.3 + i * 1.7)));
}

function obs(id: string, embedding: Float32Array, t: number): FaceObservation {
  return { observationId: id, siteId: 's', cameraId: 'c', trackId: id, tStartMs: t, tEndMs: t + 1000, embedding, quality: 0.9, modelId: 'm', modelVersion: '1', cannotLinkTrackIds: [] };
}

test('matchObservation joins the nearest identity at or above the threshold, else mints', () => {
  assert.deepEqual(matchObservation([{ identityId: 'a', similarity: 0.6 }], { matchMinCosine: 0.5 }), { kind: 'matched', identityId: 'a', similarity: 0.6 });
  assert.deepEqual(matchObservation([{ identityId: 'a', similarity: 0.4 }], { matchMinCosine: 0.5 }), { kind: 'new' });
  assert.deepEqual(matchObservation([], { matchMinCosine: 0.5 }), { kind: 'new' });
});

test('updateCentroid is a weighted mean on the unit sphere', () => {
  const c = updateCentroid(unit([1, 0]), 1, unit([0, 1]), 1);
  assert.ok(Math.abs(Math.hypot(...c) - 1) < 1e-6);
  assert.ok(Math.abs(c[0] - c[1]) < 1e-6);
  const heavy = updateCentroid(unit([1, 0]), 9, unit([0, 1]), 1);
  assert.ok(heavy[0] > heavy[1] * 8, 'an established identity moves little');
});

test('assignIdentity gives the same person one id and different people different ids (real FAISS)', () => {
  const state = new SiteState('s', DIM);
  let n = 0;
  const mint = () => `id-${++n}`;
  const policy = { matchMinCosine: 0.7 };
  const a1 = assignIdentity(state, obs('o1', face(0, 0.1, 1), 1), policy, mint);
  const b1 = assignIdentity(state, obs('o2', face(1, 0.1, 2), 2), policy, mint);
  const a2 = assignIdentity(state, obs('o3', face(0, 0.1, 3), 3), policy, mint);
  assert.equal(a1.sighting.isNewIdentity, true);
  assert.notEqual(a1.identity.identityId, b1.identity.identityId);
  assert.equal(a2.identity.identityId, a1.identity.identityId);
  assert.equal(a2.sighting.isNewIdentity, false);
  assert.ok(a2.sighting.similarity > 0.7);
  assert.equal(a2.identity.sightings, 2);
  assert.equal(state.index.size, 2, 'an update replaces the centroid instead of adding one');
});
