/** Synthetic unit vectors for the policy tests: people as directions, photos as noisy copies. */
import type { FaceObservation } from '../../schemas/index.ts';

export const DIM = 16;

export function unit(values: number[]): Float32Array {
  const n = Math.hypot(...values);
  return Float32Array.from(values, (v) => v / n);
}

/** A person's face: a base direction plus small noise, as a real embedding varies between photos. */
export function face(person: number, noise: number, seed: number): Float32Array {
  return unit(Array.from({ length: DIM }, (_, i) => (i === person ? 1 : 0) + noise * Math.sin(seed * 7.3 + i * 1.7)));
}

/** A unit vector at exactly cosine `cos` to basis direction `a`, leaning towards direction `b`. */
export function between(a: number, b: number, cos: number): Float32Array {
  return unit(Array.from({ length: DIM }, (_, i) => (i === a ? cos : i === b ? Math.sqrt(1 - cos * cos) : 0)));
}

export function obs(
  id: string,
  embedding: Float32Array,
  t: number,
  extra: Partial<FaceObservation> = {},
): FaceObservation {
  return {
    observationId: id,
    siteId: 's',
    cameraId: 'c',
    trackId: id,
    tStartMs: t,
    tEndMs: t + 1000,
    embedding,
    quality: 0.9,
    modelId: 'm',
    modelVersion: '1',
    cannotLinkTrackIds: [],
    ...extra,
  };
}
