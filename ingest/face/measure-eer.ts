/** Verification metrics from labelled embeddings: genuine/impostor cosine scores and the equal-error rate. */

/** Cosine scores of same-identity (genuine) and different-identity (impostor) pairs. */
export interface PairScores {
  genuine: number[];
  impostor: number[];
}

/** Dot product; equals cosine similarity for L2-normalised embeddings. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Scores every unordered pair i<j, or only the pairs `include(i, j)` accepts (for sampling
 * impostor pairs on large sets), split by whether labels[i] === labels[j].
 */
export function scorePairs(
  embeddings: Float32Array[],
  labels: string[],
  include: (i: number, j: number) => boolean = () => true,
): PairScores {
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < embeddings.length; i++) {
    for (let j = i + 1; j < embeddings.length; j++) {
      const same = labels[i] === labels[j];
      if (!same && !include(i, j)) continue;
      (same ? genuine : impostor).push(cosine(embeddings[i], embeddings[j]));
    }
  }
  return { genuine, impostor };
}

/** Where false accepts (impostor ≥ t) and false rejects (genuine < t) balance. */
export interface EerResult {
  /** Equal-error rate, 0..1: the mean of FAR and FRR at the threshold where they are closest. */
  eer: number;
  /** That threshold: accept a pair when its score ≥ threshold. */
  threshold: number;
  far: number;
  frr: number;
}

/** Equal-error rate by sweeping the threshold over every observed score. */
export function equalErrorRate({ genuine, impostor }: PairScores): EerResult {
  if (genuine.length === 0 || impostor.length === 0) throw new Error('EER needs both genuine and impostor pairs');
  const g = [...genuine].sort((a, b) => a - b);
  const imp = [...impostor].sort((a, b) => a - b);
  const thresholds = [...new Set([...g, ...imp])].sort((a, b) => a - b);
  let best: EerResult = { eer: 1, threshold: thresholds[0], far: 1, frr: 0 };
  let gi = 0;
  let ii = 0;
  for (const t of thresholds) {
    while (gi < g.length && g[gi] < t) gi++;
    while (ii < imp.length && imp[ii] < t) ii++;
    const frr = gi / g.length;
    const far = (imp.length - ii) / imp.length;
    if (Math.abs(far - frr) < Math.abs(best.far - best.frr)) best = { eer: (far + frr) / 2, threshold: t, far, frr };
  }
  return best;
}
