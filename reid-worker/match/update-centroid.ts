/** Folds an observation into an identity's centroid: quality-weighted running mean, re-normalised, drift-capped. */

/** Quality 0 would freeze an identity on its first face; a floor keeps every observation counting a little. */
const MIN_WEIGHT = 0.05;

export function observationWeight(quality: number): number {
  return Math.max(MIN_WEIGHT, quality);
}

/**
 * Returns the new unit-length centroid; `weight` is the weight already in `centroid`.
 * `maxDriftCosine` (-1 = no cap) bounds how far one observation can turn the centroid: beyond it
 * the result stops on the great circle towards the mean, so one bad face cannot drag an identity.
 */
export function updateCentroid(
  centroid: Float32Array,
  weight: number,
  embedding: Float32Array,
  quality: number,
  maxDriftCosine = -1,
): Float32Array {
  const w = observationWeight(quality);
  const mean = new Float32Array(centroid.length);
  for (let i = 0; i < mean.length; i++) mean[i] = centroid[i] * weight + embedding[i] * w;
  normalise(mean);
  return capDrift(centroid, mean, maxDriftCosine);
}

/** Moves from unit `from` towards unit `to` by at most the angle whose cosine is `maxCosine`. */
export function capDrift(from: Float32Array, to: Float32Array, maxCosine: number): Float32Array {
  let cos = 0;
  for (let i = 0; i < from.length; i++) cos += from[i] * to[i];
  if (maxCosine <= -1 || cos >= maxCosine) return to;
  // Orthonormal direction from `from` towards `to`, then rotate by exactly the allowed angle.
  const ortho = new Float32Array(from.length);
  for (let i = 0; i < from.length; i++) ortho[i] = to[i] - cos * from[i];
  if (normalise(ortho) === 0) return to;
  const sin = Math.sqrt(1 - maxCosine * maxCosine);
  const out = new Float32Array(from.length);
  for (let i = 0; i < from.length; i++) out[i] = maxCosine * from[i] + sin * ortho[i];
  normalise(out);
  return out;
}

/** Normalises in place and returns the norm it had. */
export function normalise(v: Float32Array): number {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i] * v[i];
  const norm = Math.sqrt(sq);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return norm;
}
