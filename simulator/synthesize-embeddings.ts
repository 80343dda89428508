/** Synthetic face embeddings whose same-person and different-person cosines follow the real model's on lfw_dev. */
import type { Random } from '../common/seeded-random.ts';

/*
 * Fitted to the real pipeline on ../shared/faces/lfw_dev (2,166 news photos of 900 people, the
 * hardest labelled set here): 4,527 genuine pairs, cosine mean 0.676, sd 0.142, 5.5 % below 0.45;
 * 2.34M impostor pairs, sd 0.095, with a tail heavier than a Gaussian's — share at or above
 * 0.25 / 0.30 / 0.35 / 0.40 / 0.45: 8.3e-3 / 2.5e-3 / 6.7e-4 / 1.5e-4 / 2.1e-5 — and centroids of
 * people with ≥ 8 photos still spread like single photos (sd 0.100).
 *
 * The model: every face lives in a SUBSPACE_DIM-dimensional subspace. A person's centre is a
 * random direction plus, with weight GROUP_SHARE, ± one of GROUPS shared directions (people who
 * look alike: this makes the heavy tail). A sighting is normalise(a·centre + √(1−a²)·u), where u
 * is a fresh direction drawn like a centre (pose and light make a face look like someone else,
 * which is why real centroids spread like faces) and a ~ N(A_MEAN, A_SD) per sighting. Fitted by
 * simulation (3,000 people): impostor shares 7.5e-3 / 2.5e-3 / 7.3e-4 / 1.7e-4 / 2.1e-5 at the
 * thresholds above, genuine mean 0.673, sd 0.137, 5.5 % below 0.45, centroids of 8 sd 0.097.
 * Beyond 1e-5 (strangers among 100k identities) lfw_dev has too few pairs to say; the model
 * extends its own tail there.
 */
export const SUBSPACE_DIM = 130;
const GROUPS = 48;
const GROUP_SHARE = 0.3;
const A_MEAN = 0.82;
const A_SD = 0.12;
/*
 * A face too small to identify, embedded anyway (its pairing embedding): the same model with a
 * weaker share of the person's centre. Fitted to the measured row "degraded 32 px" of
 * docs/calibration.md (lfw_dev faces shrunk, blurred and JPEG-compressed, against one full-size
 * photo of each of 5 candidates): measured own/other cosine medians 0.31 / 0.00, top-1 of 5
 * 90.9 %, margin 0.10 deciding 76.9 % (98.6 % right); this model, against one simulated sighting
 * of each (2,000 probes): 0.31 / 0.00, 91.9 %, 77.2 % (98.4 %).
 */
const SMALL_A_MEAN = 0.38;
const SMALL_A_SD = 0.12;

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return v.map((x) => x / n);
}

function randomUnit(dim: number, used: number, random: Random): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < used; i++) v[i] = gaussian(random);
  return normalise(v);
}

export type EmbeddingMode = 'perfect' | 'realistic';

/** Makes people's centres and their sightings' embeddings. */
export class EmbeddingSynthesizer {
  private readonly centres: Float32Array[] = [];
  private readonly groups: Float32Array[];
  private readonly used: number;

  constructor(
    private readonly dim: number,
    private readonly mode: EmbeddingMode,
    private readonly random: Random,
  ) {
    this.used = mode === 'perfect' ? dim : Math.min(dim, SUBSPACE_DIM);
    this.groups = mode === 'perfect' ? [] : Array.from({ length: GROUPS }, () => randomUnit(dim, this.used, random));
  }

  /** The person's centre (also what enrolling them as staff stores). */
  centre(person: number): Float32Array {
    // Perfect: full-dimensional random centres, far apart (cosine ~ ±0.05).
    while (this.centres.length <= person)
      this.centres.push(this.mode === 'perfect' ? randomUnit(this.dim, this.dim, this.random) : this.lookalike());
    return this.centres[person];
  }

  /** One sighting's embedding: the centre itself (perfect), or a noisy view of it (realistic). */
  sighting(person: number): Float32Array {
    return this.mode === 'perfect' ? this.centre(person) : this.view(person, A_MEAN, A_SD, 0.3);
  }

  /** A too-small face's weak embedding: a view that keeps much less of the person (perfect: the centre). */
  smallFace(person: number): Float32Array {
    return this.mode === 'perfect' ? this.centre(person) : this.view(person, SMALL_A_MEAN, SMALL_A_SD, 0);
  }

  /** normalise(a·centre + √(1−a²)·u), a ~ N(mean, sd) clamped to [floor, 0.999], u a lookalike face. */
  private view(person: number, mean: number, sd: number, floor: number): Float32Array {
    const c = this.centre(person);
    const a = Math.min(0.999, Math.max(floor, mean + sd * gaussian(this.random)));
    const u = this.lookalike();
    const b = Math.sqrt(1 - a * a);
    return normalise(c.map((x, i) => a * x + b * u[i]));
  }

  /** A random face direction: its own part plus ± a shared group direction. */
  private lookalike(): Float32Array {
    const own = randomUnit(this.dim, this.used, this.random);
    const group = this.groups[Math.floor(this.random() * GROUPS)];
    const sign = this.random() < 0.5 ? -1 : 1;
    const g = sign * Math.sqrt(GROUP_SHARE);
    const o = Math.sqrt(1 - GROUP_SHARE);
    return normalise(own.map((x, i) => o * x + g * group[i]));
  }
}
