/** Turns several enrolment photos of one person into one template: their mean on the unit sphere. */

/** Raised when enrolment photos look like different people: a template must not mix faces. */
export class EnrolmentError extends Error {
  override name = 'EnrolmentError';
}

/** The L2-normalised mean of unit embeddings. */
export function averageEmbeddings(embeddings: readonly Float32Array[]): Float32Array {
  if (embeddings.length === 0) throw new EnrolmentError('no embeddings to average');
  const out = new Float32Array(embeddings[0].length);
  for (const e of embeddings) for (let i = 0; i < out.length; i++) out[i] += e[i];
  const norm = Math.hypot(...out) || 1;
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

/**
 * The averaged template. With two or more photos, each must reach `minAgreementCosine` against the
 * mean of the others: one stranger's photo in an enrolment would otherwise label customers as staff.
 * Throws EnrolmentError naming the outliers (by index).
 */
export function buildTemplate(embeddings: readonly Float32Array[], minAgreementCosine: number): Float32Array {
  if (embeddings.length >= 2) {
    const outliers = embeddings.flatMap((e, k) => {
      const others = averageEmbeddings(embeddings.filter((_, j) => j !== k));
      let dot = 0;
      for (let i = 0; i < e.length; i++) dot += e[i] * others[i];
      return dot < minAgreementCosine ? [{ k, dot }] : [];
    });
    if (outliers.length > 0) {
      const list = outliers.map((o) => `#${o.k + 1} (cosine ${o.dot.toFixed(2)})`).join(', ');
      throw new EnrolmentError(`photos do not show one person: ${list} below ${minAgreementCosine} against the others`);
    }
  }
  return averageEmbeddings(embeddings);
}
