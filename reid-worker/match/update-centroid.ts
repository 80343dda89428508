/** Folds an observation into an identity's centroid: quality-weighted running mean, re-normalised. */

/** Quality 0 would freeze an identity on its first face; a floor keeps every observation counting a little. */
const MIN_WEIGHT = 0.05;

export function observationWeight(quality: number): number {
  return Math.max(MIN_WEIGHT, quality);
}

/** Returns the new unit-length centroid; `weight` is the weight already in `centroid`. */
export function updateCentroid(centroid: Float32Array, weight: number, embedding: Float32Array, quality: number): Float32Array {
  const w = observationWeight(quality);
  const out = new Float32Array(centroid.length);
  let sq = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = centroid[i] * weight + embedding[i] * w;
    sq += out[i] * out[i];
  }
  const norm = Math.sqrt(sq) || 1;
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}
