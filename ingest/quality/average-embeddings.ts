/** The observation embedding of a track: the quality-weighted mean of its best frames' embeddings, re-normalised. */

/**
 * Σ wᵢ·eᵢ / ‖Σ wᵢ·eᵢ‖ over unit embeddings. Weights are floored at a small positive value so
 * a track of zero-weight shots still averages evenly instead of dividing by zero.
 */
export function weightedMeanEmbedding(embeddings: Float32Array[], weights: number[]): Float32Array {
  if (embeddings.length === 0) throw new Error('no embeddings to average');
  if (embeddings.length !== weights.length) throw new Error('one weight per embedding');
  const dim = embeddings[0].length;
  const sum = new Float64Array(dim);
  embeddings.forEach((e, i) => {
    if (e.length !== dim) throw new Error(`embedding ${i} has ${e.length} values, expected ${dim}`);
    const w = Math.max(1e-6, weights[i]);
    for (let d = 0; d < dim; d++) sum[d] += w * e[d];
  });
  let sq = 0;
  for (let d = 0; d < dim; d++) sq += sum[d] * sum[d];
  const norm = Math.sqrt(sq);
  if (!(norm > 0)) throw new Error('embeddings cancel out: no direction to normalise');
  return Float32Array.from(sum, (v) => v / norm);
}
