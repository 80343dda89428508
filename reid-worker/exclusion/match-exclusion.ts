/** The exclusion decision for one face: does it belong to an enrolled group (staff)? */
import type { ExclusionTemplate } from '../../identity-registry/index.ts';

export interface ExclusionMatch {
  templateId: string;
  label: string;
  similarity: number;
}

/**
 * Pure: the most similar template at or above `minCosine`, else null. A brute-force scan: a site
 * enrols tens of staff, not thousands, and the templates are unit vectors so the dot is cosine.
 */
export function matchExclusion(
  embedding: Float32Array,
  templates: readonly ExclusionTemplate[],
  minCosine: number,
): ExclusionMatch | null {
  let best: ExclusionMatch | null = null;
  for (const t of templates) {
    let dot = 0;
    for (let i = 0; i < embedding.length; i++) dot += embedding[i] * t.embedding[i];
    if (dot >= minCosine && (!best || dot > best.similarity))
      best = { templateId: t.templateId, label: t.label, similarity: dot };
  }
  return best;
}
