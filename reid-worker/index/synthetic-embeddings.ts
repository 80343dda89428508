/** Synthetic face embeddings for index tests and the bench: identities as random unit vectors, sightings as noisy copies. */
import { seededRandom, type Random } from '../../common/seeded-random.ts';
import { normalise } from '../match/update-centroid.ts';

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A random direction in `dim` dimensions. */
export function randomUnit(dim: number, random: Random): Float32Array {
  const v = Float32Array.from({ length: dim }, () => gaussian(random));
  normalise(v);
  return v;
}

/**
 * A face at a chosen angle from the others, for scenes whose cosines must be exact: the unit
 * vector along e0 + x·e_axis (axis 0: e0 itself). Two such faces on different axes are cos
 * 1/(1+x²) apart, each 1/√(1+x²) from e0.
 */
export function faceOnAxis(dim: number, axis: number, x: number): Float32Array {
  const v = new Float32Array(dim);
  v[0] = 1;
  if (axis > 0) v[axis] = x;
  const norm = Math.hypot(1, axis > 0 ? x : 0);
  return v.map((c) => c / norm);
}

/**
 * Another photo of the person with centroid `centre`: noise orthogonal to it, mixed so that the
 * cosine to the centroid is `cosine` (a sample of the measured same-person distribution).
 */
export function samePerson(centre: Float32Array, cosine: number, random: Random): Float32Array {
  const noise = randomUnit(centre.length, random);
  let dot = 0;
  for (let i = 0; i < noise.length; i++) dot += noise[i] * centre[i];
  for (let i = 0; i < noise.length; i++) noise[i] -= dot * centre[i];
  normalise(noise);
  const s = Math.sqrt(Math.max(0, 1 - cosine * cosine));
  return Float32Array.from(centre, (c, i) => cosine * c + s * noise[i]);
}

/**
 * Cosine of a sighting to its identity's centroid, measured on ../shared/faces (753 photos, each
 * against the leave-one-out centroid of its person): quantiles 0, 5, 25, 50, 75, 95, 100 %.
 */
const SAME_PERSON_QUANTILES = [0.6, 0.798, 0.894, 0.938, 0.963, 0.983, 0.995];

/** A same-person cosine drawn from the measured distribution (piecewise linear between quantiles). */
export function sampleSamePersonCosine(random: Random): number {
  const u = random();
  const at = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];
  let i = 0;
  while (i < at.length - 2 && u > at[i + 1]) i++;
  const f = (u - at[i]) / (at[i + 1] - at[i]);
  return SAME_PERSON_QUANTILES[i] + f * (SAME_PERSON_QUANTILES[i + 1] - SAME_PERSON_QUANTILES[i]);
}

/** `n` identity centroids from a seed, packed in one array (n × dim): a million fit without a million objects. */
export function syntheticCentroidsPacked(n: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const v = out.subarray(i * dim, (i + 1) * dim);
    // Box–Muller gives two normals per pair of uniforms.
    for (let j = 0; j < dim; j += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - random()));
      const a = 2 * Math.PI * random();
      v[j] = r * Math.cos(a);
      if (j + 1 < dim) v[j + 1] = r * Math.sin(a);
    }
    normalise(v);
  }
  return out;
}

/** `n` identity centroids from a seed (views of one packed array). */
export function syntheticCentroids(n: number, dim: number, seed: number): Float32Array[] {
  const packed = syntheticCentroidsPacked(n, dim, seed);
  return Array.from({ length: n }, (_, i) => packed.subarray(i * dim, (i + 1) * dim));
}
