/** Measures each assignment rule against the naive floor on the same faces and orders (the ablation table). */
import { naivePolicy, resolvePolicy, type ResolvedPolicy } from '../match/match-policy.ts';
import type { LabelledFace } from './embed-labelled-folder.ts';
import type { ClusteringScores } from './measure-clustering.ts';
import { replaySightings } from './replay-sightings.ts';

export interface PolicyVariant {
  name: string;
  policy: ResolvedPolicy;
}

/** Mean scores over the seeds, plus what the engine did. */
export interface VariantScores extends ClusteringScores {
  merges: number;
  deferred: number;
}

/** The naive floor, each rule alone on top of it, and the engine's defaults. */
export function policyVariants(matchMinCosine: number): PolicyVariant[] {
  const naive = naivePolicy(matchMinCosine);
  const engine = resolvePolicy({ matchMinCosine });
  return [
    { name: 'naive floor', policy: naive },
    { name: '+ ambiguity margin 0.05', policy: { ...naive, ambiguityMargin: 0.05 } },
    { name: '+ quality-aware threshold +0.1', policy: { ...naive, lowQualityPenalty: 0.1 } },
    { name: '+ quality-aware threshold -0.1', policy: { ...naive, lowQualityPenalty: -0.1 } },
    { name: '+ defer quality < 0.4', policy: { ...naive, deferBelowQuality: 0.4, provisionalMergeMinCosine: engine.provisionalMergeMinCosine } },
    { name: '+ drift cap 0.9', policy: { ...naive, maxDriftCosine: 0.9 } },
    { name: `+ re-clustering at ${engine.mergeMinCosine.toFixed(2)}`, policy: { ...naive, mergeMinCosine: engine.mergeMinCosine } },
    { name: 'engine defaults', policy: engine },
  ];
}

/** Replays the faces under each policy for every seed and averages the scores. */
export function comparePolicies(faces: LabelledFace[], variants: PolicyVariant[], seeds: number[]): Array<{ name: string; scores: VariantScores }> {
  return variants.map(({ name, policy }) => {
    const runs = seeds.map((seed) => replaySightings(faces, { seed, policy }));
    const mean = (pick: (r: (typeof runs)[number]) => number): number => runs.reduce((s, r) => s + pick(r), 0) / runs.length;
    const keys = Object.keys(runs[0].scores) as Array<keyof ClusteringScores>;
    const scores = Object.fromEntries(keys.map((k) => [k, mean((r) => r.scores[k])])) as unknown as ClusteringScores;
    return { name, scores: { ...scores, merges: mean((r) => r.merges), deferred: mean((r) => r.deferred) } };
  });
}
