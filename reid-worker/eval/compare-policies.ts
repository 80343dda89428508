/** Measures each assignment rule against the naive floor on the same faces and orders (the ablation table). */
import { naivePolicy, resolvePolicy, type ResolvedPolicy } from '../match/match-policy.ts';
import type { LabelledFace } from './embed-labelled-folder.ts';
import { meanScores, type ClusteringScores } from './measure-clustering.ts';
import { replaySightings } from './replay-sightings.ts';
import type { SiteIndexOptions } from '../site-state.ts';

export interface PolicyVariant {
  name: string;
  policy: ResolvedPolicy;
}

/** Mean scores over the seeds, plus what the engine did. */
export interface VariantScores extends ClusteringScores {
  merges: number;
  deferred: number;
}

/** The naive floor, each rule alone on top of it, the gallery rules on the re-clustering they need, and the engine's defaults. */
export function policyVariants(matchMinCosine: number): PolicyVariant[] {
  const naive = naivePolicy(matchMinCosine);
  const engine = resolvePolicy({ matchMinCosine });
  const reclustering = { ...naive, mergeMinCosine: engine.mergeMinCosine };
  const evidence = { ...reclustering, mergeEvidenceMargin: engine.mergeEvidenceMargin };
  const gallery = { galleryReferenceSize: engine.galleryReferenceSize, thresholdPerDecade: engine.thresholdPerDecade };
  return [
    { name: 'naive floor', policy: naive },
    { name: '+ ambiguity margin 0.05', policy: { ...naive, ambiguityMargin: 0.05 } },
    { name: '+ quality-aware threshold +0.1', policy: { ...naive, lowQualityPenalty: 0.1 } },
    { name: '+ quality-aware threshold -0.1', policy: { ...naive, lowQualityPenalty: -0.1 } },
    {
      name: '+ defer quality < 0.4',
      policy: { ...naive, deferBelowQuality: 0.4, provisionalMergeMinCosine: engine.provisionalMergeMinCosine },
    },
    { name: '+ drift cap 0.9', policy: { ...naive, maxDriftCosine: 0.9 } },
    {
      name: `+ gallery-size-aware threshold (+${engine.thresholdPerDecade}/decade from ${engine.galleryReferenceSize})`,
      policy: { ...naive, ...gallery },
    },
    { name: `+ re-clustering at ${engine.mergeMinCosine.toFixed(2)}`, policy: reclustering },
    { name: `+ re-clustering, evidence margin ${engine.mergeEvidenceMargin}`, policy: evidence },
    { name: '+ re-clustering, evidence, gallery-size-aware', policy: { ...evidence, ...gallery } },
    {
      name: `+ all that, recent gallery ${engine.recentWindowMs / 60_000} min`,
      policy: { ...evidence, ...gallery, recentWindowMs: engine.recentWindowMs },
    },
    { name: 'engine defaults (+ drift cap)', policy: engine },
  ];
}

/** Replays the faces under each policy for every seed and averages the scores. */
export function comparePolicies(
  faces: LabelledFace[],
  variants: PolicyVariant[],
  seeds: number[],
  index?: SiteIndexOptions,
): Array<{ name: string; scores: VariantScores }> {
  return variants.map(({ name, policy }) => {
    const runs = seeds.map((seed) => replaySightings(faces, { seed, policy, index }));
    const mean = (pick: (r: (typeof runs)[number]) => number): number =>
      runs.reduce((s, r) => s + pick(r), 0) / runs.length;
    return {
      name,
      scores: {
        ...meanScores(runs.map((r) => r.scores)),
        merges: mean((r) => r.merges),
        deferred: mean((r) => r.deferred),
      },
    };
  });
}
