/** The stored form of a centroid: int8 components with one float32 scale, as the worker's index and the registry hold it. */

/**
 * A centroid of d components becomes 4 + d bytes: the scale (float32, little-endian) then d int8
 * values, x_i ≈ scale × c_i with scale = max|x| / 127. A quarter of float32's 4·d bytes; on
 * unit-length 512-d embeddings the decoded vector keeps a cosine above 0.9999 to the original
 * (checked in centroid-code.test.ts), far below the spread of the model's same-person cosines.
 * scripts/faiss/code-ivf-codec.h decodes the same layout with the same arithmetic.
 */
export function centroidCodeBytes(dim: number): number {
  return 4 + dim;
}

/** The dimension of a code of `codeBytes` bytes. */
export function centroidDimOf(codeBytes: number): number {
  return codeBytes - 4;
}

/** Encodes `vector` into `out` at `offset` (or a new array). */
export function encodeCentroid(
  vector: Float32Array,
  out: Uint8Array = new Uint8Array(centroidCodeBytes(vector.length)),
  offset = 0,
): Uint8Array {
  let maxAbs = 0;
  for (let i = 0; i < vector.length; i++) maxAbs = Math.max(maxAbs, Math.abs(vector[i]));
  const scale = Math.fround(maxAbs / 127);
  new DataView(out.buffer, out.byteOffset + offset, 4).setFloat32(0, scale, true);
  const codes = new Int8Array(out.buffer, out.byteOffset + offset + 4, vector.length);
  if (scale === 0) codes.fill(0);
  // |x| ≤ max|x| keeps every quotient within ±127 (+ rounding), so no clamp is needed.
  else for (let i = 0; i < vector.length; i++) codes[i] = Math.floor(vector[i] / scale + 0.5);
  return out;
}

/** Decodes the code at `offset` of `code` (a view of dim + 4 bytes or a larger packed array). */
export function decodeCentroid(code: Uint8Array, dim: number, offset = 0, out = new Float32Array(dim)): Float32Array {
  const scale = new DataView(code.buffer, code.byteOffset + offset, 4).getFloat32(0, true);
  const codes = new Int8Array(code.buffer, code.byteOffset + offset + 4, dim);
  for (let i = 0; i < dim; i++) out[i] = scale * codes[i];
  return out;
}
