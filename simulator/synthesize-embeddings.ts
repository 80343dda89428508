/** Synthetic face embeddings whose same-person and different-person cosines follow the real model's. */
import type { Random } from '../common/seeded-random.ts';

/*
 * Measured once with the real pipeline (ingest/face, FacePipeline.embedPrimaryFace) on
 * ../shared/faces/deepface (61 in-the-wild photos of 13 people, the closest to CCTV in that
 * folder): genuine pairs cosine mean 0.754, sd 0.083 (p05 0.606); impostor pairs mean 0.016,
 * sd 0.104. (faces94_subset, studio shots of one session, gives 0.906 / 0.138 and 0.084 / 0.112.)
 * A sighting is x = normalise(a·c + √(1−a²)·n): c the person's centre, n fresh noise, and a
 * drawn per sighting, so two sightings' cosine ≈ a₁·a₂ with mean m² and sd ≈ √2·m·s.
 */
const GENUINE_MEAN = 0.754;
const GENUINE_SD = 0.083;
const IMPOSTOR_SD = 0.104;
const A_MEAN = Math.sqrt(GENUINE_MEAN);
const A_SD = GENUINE_SD / (Math.SQRT2 * A_MEAN);
/** Centres live in a subspace of this dimension so that impostor cosines spread like the real ones (sd ≈ m² / √d). */
const CENTRE_DIM = Math.round((GENUINE_MEAN / IMPOSTOR_SD) ** 2);

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return v.map((x) => x / n);
}

export type EmbeddingMode = 'perfect' | 'realistic';

/** Makes people's centres and their sightings' embeddings. */
export class EmbeddingSynthesizer {
  private readonly centres: Float32Array[] = [];

  constructor(
    private readonly dim: number,
    private readonly mode: EmbeddingMode,
    private readonly random: Random,
  ) {}

  /** The person's centre (also what enrolling them as staff stores). */
  centre(person: number): Float32Array {
    while (this.centres.length <= person) {
      const v = new Float32Array(this.dim);
      // Perfect: full-dimensional random centres, far apart (cosine ~ ±0.05). Realistic: a subspace.
      const used = this.mode === 'perfect' ? this.dim : Math.min(this.dim, CENTRE_DIM);
      for (let i = 0; i < used; i++) v[i] = gaussian(this.random);
      this.centres.push(normalise(v));
    }
    return this.centres[person];
  }

  /** One sighting's embedding: the centre itself (perfect), or a noisy view of it (realistic). */
  sighting(person: number): Float32Array {
    const c = this.centre(person);
    if (this.mode === 'perfect') return c;
    const a = Math.min(0.999, Math.max(0.3, A_MEAN + A_SD * gaussian(this.random)));
    const noise = normalise(Float32Array.from({ length: this.dim }, () => gaussian(this.random)));
    const b = Math.sqrt(1 - a * a);
    return normalise(c.map((x, i) => a * x + b * noise[i]));
  }
}
