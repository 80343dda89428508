/** Which identities an erasure request covers: every one whose centroid is close enough to the face. */
import type { Identity } from '../../identity-registry/index.ts';

export interface IdentityMatch {
  identityId: string;
  similarity: number;
}

/**
 * Pure: all identities at or above `minCosine`, most similar first. Not only the nearest: a person
 * split into several identities must lose all of them. A scan, not the index: erasure is rare and
 * must not depend on the state of any worker's index.
 */
export function findMatchingIdentities(
  embedding: Float32Array,
  identities: readonly Identity[],
  minCosine: number,
): IdentityMatch[] {
  const out: IdentityMatch[] = [];
  for (const it of identities) {
    let dot = 0;
    for (let i = 0; i < embedding.length; i++) dot += embedding[i] * it.centroid[i];
    if (dot >= minCosine) out.push({ identityId: it.identityId, similarity: dot });
  }
  return out.sort((a, b) => b.similarity - a.similarity);
}

/** Raised for an erasure request that cannot be acted on (wrong size, not finite, zero vector). */
export class ErasureRequestError extends Error {
  override name = 'ErasureRequestError';
}

/** Checks a submitted embedding and returns it L2-normalised (callers may send raw model output). */
export function normaliseErasureEmbedding(values: unknown, dim: number): Float32Array {
  if (!Array.isArray(values) && !(values instanceof Float32Array))
    throw new ErasureRequestError('embedding must be an array of numbers');
  if (values.length !== dim) throw new ErasureRequestError(`embedding must have ${dim} values, got ${values.length}`);
  const v = Float32Array.from(values as ArrayLike<number>, (x) => (typeof x === 'number' ? x : Number.NaN));
  if (v.some((x) => !Number.isFinite(x))) throw new ErasureRequestError('embedding values must be finite numbers');
  const norm = Math.hypot(...v);
  if (norm === 0) throw new ErasureRequestError('embedding must not be all zeros');
  return v.map((x) => x / norm);
}
