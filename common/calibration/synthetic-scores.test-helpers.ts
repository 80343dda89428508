/** Synthetic impostor scores for the label-free estimators' tests: a known Gaussian, sampled as a stream would give it. */
import type { Random } from '../seeded-random.ts';
import { addScore, type ScoreHistogram } from './score-histogram.ts';

/** The impostor distribution of the synthetic streams (cosine of two strangers). */
export const IMPOSTOR = { mean: 0, sd: 0.1 };

/** A standard normal draw (Box–Muller). */
export function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** `n` impostor pairs as the collector would store them. */
export function impostorPairs(n: number, random: Random): ScoreHistogram {
  const h: ScoreHistogram = new Map();
  for (let i = 0; i < n; i++) addScore(h, IMPOSTOR.mean + IMPOSTOR.sd * gaussian(random));
  return h;
}
