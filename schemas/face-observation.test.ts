import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ContractError,
  decodeFaceObservation,
  encodeFaceObservation,
  isUnidentified,
  UnidentifiedReason,
  type FaceObservation,
  type MessageLimits,
} from './index.ts';

const NOW = 1_764_000_010_000;
const DAY = 86_400_000;
const limits: MessageLimits = {
  embeddingDim: 8,
  maxMessageBytes: 1024,
  isKnownSite: (s) => s === 'store-1',
  times: { now: () => NOW, maxFutureSkewMs: 300_000, maxPastMsOf: () => 30 * DAY },
};

function unit(dim: number, seed = 1): Float32Array {
  const v = Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * (i + 1)));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function observation(over: Partial<FaceObservation> = {}): FaceObservation {
  return {
    observationId: 'obs-1',
    siteId: 'store-1',
    cameraId: 'entrance',
    trackId: 't1',
    tStartMs: 1_764_000_000_000,
    tEndMs: 1_764_000_001_500,
    embedding: unit(8),
    quality: 0.75, // exact in float32, as the wire carries it
    modelId: 'faceplugin-fr-feature',
    modelVersion: '0.0.1',
    cannotLinkTrackIds: ['t2'],
    ...over,
  };
}

function rejects(fn: () => unknown, code: string) {
  assert.throws(fn, (err: unknown) => err instanceof ContractError && err.code === code && err.retriable === false);
}

test('an observation survives encode and decode unchanged', () => {
  const obs = observation();
  const back = decodeFaceObservation(encodeFaceObservation(obs, limits), limits);
  assert.deepEqual(
    { ...back, embedding: Array.from(back.embedding) },
    { ...obs, embedding: Array.from(obs.embedding) },
  );
});

test('a person seen but not identified travels without an embedding, and only so', () => {
  const seen = observation({
    embedding: new Float32Array(0),
    unidentified: UnidentifiedReason.TOO_SMALL,
    cannotLinkTrackIds: [],
  });
  const back = decodeFaceObservation(encodeFaceObservation(seen, limits), limits);
  assert.equal(back.unidentified, UnidentifiedReason.TOO_SMALL);
  assert.equal(back.embedding.length, 0);
  assert.ok(isUnidentified(back));
  // An identified observation decodes without the field: absent means identified.
  assert.equal('unidentified' in decodeFaceObservation(encodeFaceObservation(observation(), limits), limits), false);
  assert.equal(isUnidentified(observation()), false);
  rejects(
    () => encodeFaceObservation(observation({ unidentified: UnidentifiedReason.BLURRED }), limits),
    'bad_unidentified',
  );
  rejects(
    () =>
      encodeFaceObservation(
        observation({ embedding: new Float32Array(0), unidentified: 99 as UnidentifiedReason }),
        limits,
      ),
    'bad_unidentified',
  );
  // Without the reason an empty embedding is still a bad one.
  rejects(() => encodeFaceObservation(observation({ embedding: new Float32Array(0) }), limits), 'bad_dimension');
});

test('only a too-small track carries a pairing embedding, checked like any embedding and never as its identity', () => {
  const small = observation({
    embedding: new Float32Array(0),
    unidentified: UnidentifiedReason.TOO_SMALL,
    cannotLinkTrackIds: [],
    pairingEmbedding: unit(8, 3),
  });
  const back = decodeFaceObservation(encodeFaceObservation(small, limits), limits);
  assert.deepEqual(Array.from(back.pairingEmbedding!), Array.from(small.pairingEmbedding!));
  assert.equal(back.embedding.length, 0, 'it never becomes the embedding the index reads');
  assert.equal(
    'pairingEmbedding' in decodeFaceObservation(encodeFaceObservation(observation(), limits), limits),
    false,
  );
  // On an identified observation, or a blurred one, it is refused: it could only be smuggled in.
  rejects(() => encodeFaceObservation(observation({ pairingEmbedding: unit(8, 3) }), limits), 'bad_pairing_embedding');
  rejects(
    () => encodeFaceObservation({ ...small, unidentified: UnidentifiedReason.BLURRED }, limits),
    'bad_pairing_embedding',
  );
  rejects(() => encodeFaceObservation({ ...small, pairingEmbedding: unit(7) }, limits), 'bad_dimension');
  const nan = unit(8, 3);
  nan[2] = Number.NaN;
  rejects(() => encodeFaceObservation({ ...small, pairingEmbedding: nan }, limits), 'non_finite');
  rejects(
    () => encodeFaceObservation({ ...small, pairingEmbedding: unit(8, 3).map((x) => x * 2) }, limits),
    'not_normalised',
  );
});

test('wrong dimension, NaN and non-normalised embeddings are rejected', () => {
  rejects(() => encodeFaceObservation(observation({ embedding: unit(7) }), limits), 'bad_dimension');
  const nan = unit(8);
  nan[3] = Number.NaN;
  rejects(() => encodeFaceObservation(observation({ embedding: nan }), limits), 'non_finite');
  rejects(() => encodeFaceObservation(observation({ embedding: unit(8).map((x) => x * 2) }), limits), 'not_normalised');
});

test('unknown sites, bad ids, times and quality are rejected', () => {
  rejects(() => encodeFaceObservation(observation({ siteId: 'store-9' }), limits), 'unknown_site');
  rejects(() => encodeFaceObservation(observation({ cameraId: '' }), limits), 'bad_id');
  rejects(() => encodeFaceObservation(observation({ tEndMs: 1 }), limits), 'bad_time');
  rejects(() => encodeFaceObservation(observation({ quality: 1.5 }), limits), 'bad_quality');
  rejects(() => encodeFaceObservation(observation({ shotCosine: 1.5 }), limits), 'bad_shot_cosine');
  rejects(() => encodeFaceObservation(observation({ shotCosine: Number.NaN }), limits), 'bad_shot_cosine');
});

test("a track's shot cosine (label-free genuine pair) travels with the observation", () => {
  const back = decodeFaceObservation(encodeFaceObservation(observation({ shotCosine: 0.75 }), limits), limits);
  assert.equal(back.shotCosine, 0.75);
  assert.equal(decodeFaceObservation(encodeFaceObservation(observation(), limits), limits).shotCosine, undefined);
});

test('garbage bytes and oversized messages are rejected on decode', () => {
  rejects(() => decodeFaceObservation(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]), limits), 'malformed');
  rejects(() => decodeFaceObservation(new Uint8Array(2048), limits), 'too_large');
  rejects(() => encodeFaceObservation(observation(), { ...limits, maxMessageBytes: 64 }), 'too_large');
});

test('a decoded message is validated too: a producer that skipped checks is still caught', () => {
  const tooBig = { ...limits, embeddingDim: 8 };
  const bytes = encodeFaceObservation(observation(), tooBig);
  rejects(() => decodeFaceObservation(bytes, { ...limits, embeddingDim: 16 }), 'bad_dimension');
  rejects(() => decodeFaceObservation(bytes, { ...limits, isKnownSite: () => false }), 'unknown_site');
});

test('times outside the window around the checking clock are refused, on both sides, by producer and consumer', () => {
  // The integrator's upload that once stalled a partition: a RangeError in the calendar code.
  rejects(() => encodeFaceObservation(observation({ tStartMs: 8.7e15, tEndMs: 8.7e15 }), limits), 'time_out_of_window');
  rejects(
    () => encodeFaceObservation(observation({ tStartMs: NOW, tEndMs: NOW + 300_001 }), limits),
    'time_out_of_window',
  );
  rejects(
    () => encodeFaceObservation(observation({ tStartMs: NOW - 30 * DAY - 1, tEndMs: NOW }), limits),
    'time_out_of_window',
  );
  encodeFaceObservation(observation({ tStartMs: NOW - 30 * DAY, tEndMs: NOW + 300_000 }), limits);
  const farFuture = encodeFaceObservation(observation({ tStartMs: 8.7e15, tEndMs: 8.7e15 }), {
    ...limits,
    times: { ...limits.times, now: () => 8.7e15 },
  });
  rejects(() => decodeFaceObservation(farFuture, limits), 'time_out_of_window');
  assert.throws(
    () => decodeFaceObservation(farFuture, limits),
    /must lie within 2025-10-25T16:00:10\.000Z\.\.2025-11-24T16:05:10\.000Z/,
  );
});

test("the past bound is the site's: another site may keep less", () => {
  const perSite = {
    ...limits,
    isKnownSite: () => true,
    times: { ...limits.times, maxPastMsOf: (site: string) => (site === 'short' ? DAY : 30 * DAY) },
  };
  const old = { tStartMs: NOW - 2 * DAY, tEndMs: NOW - 2 * DAY };
  encodeFaceObservation(observation(old), perSite);
  rejects(() => encodeFaceObservation(observation({ ...old, siteId: 'short' }), perSite), 'time_out_of_window');
});
