/** Scores the label-free estimator where the truth is known: a labelled folder's photos as frames, labels hidden from the estimator. */
import { seededRandom } from '../../common/seeded-random.ts';
import { buildObservation } from '../../ingest/build-observation.ts';
import { scorePairs } from '../../ingest/face/measure-eer.ts';
import type { FaceObservation } from '../../schemas/index.ts';
import { CalibrationCollector, type CalibrationPair } from '../calibration/collect-calibration-pairs.ts';
import {
  estimateSplitRate,
  type BestScoreSample,
  type SplitEstimate,
} from '../../common/calibration/estimate-split-rate.ts';
import { estimateFmr } from '../../common/calibration/estimate-error-rates.ts';
import { estimateMergeRate, type MergeEstimate } from '../../common/calibration/estimate-merge-rate.ts';
import { addScore, type ScoreHistogram } from '../../common/calibration/score-histogram.ts';
import { assignIdentity } from '../match/assign-identity.ts';
import { resolvePolicy, type MatchPolicy } from '../match/match-policy.ts';
import { SiteState } from '../site-state.ts';
import type { LabelledFace } from './embed-labelled-folder.ts';

export interface LiveCalibrationCheck {
  seed: number;
  threshold: number;
  pairsBySource: Record<string, number>;
  /** The estimator's false-match rate and range, from the unlabelled stream. */
  estimatedFmr: number | null;
  fmrRange: [number, number] | null;
  /** The rate measured with the labels: impostor pairs of the photos' subjects at or above the threshold. */
  labelledFmr: number;
  /** estimated / labelled: within 0.5..2 is the acceptance. */
  ratio: number | null;
  /** The label-free split estimate from the new identities of the photos' subjects and the re-clustering merges of those (bystanders are strangers of the gallery). */
  split: SplitEstimate;
  /**
   * With the labels: the share of the subjects' new identities whose person had been seen before —
   * when minted, and still apart from their person's earlier identity after re-clustering.
   */
  labelledSplitShare: { atMinting: number; final: number };
  /** The label-free estimate of the subjects' strangers joined to an earlier identity at matching (from the same samples). */
  merge: MergeEstimate;
  /**
   * With the labels: subjects first seen that joined an earlier identity instead of minting one —
   * one minted by another subject (a stranger joined: the merges the estimate counts, twins and
   * a person filed under two names among them), or by a bystander (often the same person, in a
   * photo of someone else: no merge, and the labels cannot tell).
   */
  labelledMerges: { otherPerson: number; bystander: number };
}

const SITE = 'calibration-check';
const START_MS = Date.UTC(2025, 0, 6, 9);
const RECLUSTER_EVERY = 20;

/**
 * Every photo is one frame on one of four cameras, 5–60 s after the previous, in a seeded order:
 * its subject and its bystanders (faces below `minQuality` dropped, as a camera worker drops
 * them) are observations that cannot link with each other. They run through the worker's own
 * assignment and calibration collector; the estimator sees only the pairs, never a label. The
 * labels then give the rate it should have found.
 */
export function validateLiveCalibration(
  faces: LabelledFace[],
  opts: { seed: number; policy: MatchPolicy; minQuality: number },
): LiveCalibrationCheck {
  const random = seededRandom(opts.seed);
  const order = [...faces];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const state = new SiteState(SITE, faces[0]?.embedding.length ?? 512);
  const collector = new CalibrationCollector(random);
  const observed: string[] = [];
  const subjects = new Set<string>();
  const subjectMinted = new Set<string>();
  // Labels, for scoring only: each subject sighting's person and identity, and whether it minted one.
  const sightings: Array<{ person: string; identityId: string; minted: boolean }> = [];
  const firstSeen = new Set<string>();
  const labelledMerges = { otherPerson: 0, bystander: 0 };
  const mergedInto = new Map<string, string>();
  const recluster = () => {
    for (const e of state.recluster(opts.policy)) mergedInto.set(e.from, e.to);
  };
  let minted = 0;
  let t = START_MS;
  order.forEach((photo, k) => {
    t += 5_000 + Math.floor(random() * 55_000);
    const cameraId = `cam-${1 + Math.floor(random() * 4)}`;
    const shown = [
      { embedding: photo.embedding, quality: photo.quality, subject: true },
      ...(photo.others ?? []),
    ].filter((f) => f.quality >= opts.minQuality);
    const tracks = shown.map((_, i) => `p${k}f${i}`);
    shown.forEach((face, i) => {
      const obs: FaceObservation = buildObservation(face, {
        siteId: SITE,
        cameraId,
        trackId: tracks[i],
        tStartMs: t,
        tEndMs: t + 2_000,
        cannotLinkTrackIds: tracks.filter((_, j) => j !== i),
      });
      const a = assignIdentity(state, obs, opts.policy, () => `id-${++minted}`);
      collector.observe(state, obs, a.identity.identityId, a.minted);
      observed.push(obs.observationId);
      if (!('subject' in face)) return;
      subjects.add(obs.observationId);
      if (a.minted) subjectMinted.add(a.identity.identityId);
      if (!firstSeen.has(photo.person) && !a.minted)
        labelledMerges[subjectMinted.has(a.identity.identityId) ? 'otherPerson' : 'bystander']++;
      firstSeen.add(photo.person);
      sightings.push({ person: photo.person, identityId: a.identity.identityId, minted: a.minted !== undefined });
    });
    if ((k + 1) % RECLUSTER_EVERY === 0) recluster();
  });
  const impostors: ScoreHistogram = new Map();
  const pairsBySource: Record<string, number> = {};
  const best: BestScoreSample[] = [];
  const count = (p: CalibrationPair) => {
    pairsBySource[p.source] = (pairsBySource[p.source] ?? 0) + 1;
    if (p.kind === 'impostor') addScore(impostors, p.score);
  };
  for (const p of collector.take(subjects)) {
    count(p);
    if (p.against) best.push({ score: p.score, ...p.against, count: 1 });
  }
  for (const p of collector.take(observed)) if (!p.against) count(p);
  const threshold = resolvePolicy(opts.policy).matchMinCosine;
  const { fmr, fmrRange } = estimateFmr(impostors, threshold);
  // Every pair: the rate is ~1e-5, so sampling them would leave a handful of pairs above the threshold.
  const labelled = scorePairs(
    faces.map((f) => f.embedding),
    faces.map((f) => f.person),
  ).impostor;
  const labelledFmr = labelled.filter((s) => s >= threshold).length / Math.max(1, labelled.length);
  // The check's figures count subjects only: so do the merges that repair their identities.
  const split = estimateSplitRate(best, impostors, {
    reclusterMerges: [...mergedInto.keys()].filter((id) => subjectMinted.has(id)).length,
  });
  return {
    seed: opts.seed,
    threshold,
    pairsBySource,
    estimatedFmr: fmr,
    fmrRange,
    labelledFmr,
    ratio: fmr !== null && labelledFmr > 0 ? fmr / labelledFmr : null,
    split,
    labelledSplitShare: labelledSplits(sightings, mergedInto),
    merge: estimateMergeRate(best, impostors, { missedAtMinting: split.missedAtMinting }),
    labelledMerges,
  };
}

/** Shares of the minted identities whose person was seen before: when minted, and still apart at the end. */
function labelledSplits(
  sightings: Array<{ person: string; identityId: string; minted: boolean }>,
  mergedInto: Map<string, string>,
): { atMinting: number; final: number } {
  const resolve = (id: string): string => {
    let at = id;
    while (mergedInto.has(at)) at = mergedInto.get(at)!;
    return at;
  };
  const seen = new Set<string>();
  const identitiesOf = new Map<string, Set<string>>();
  let [minted, missed] = [0, 0];
  for (const s of sightings) {
    if (s.minted) minted++;
    if (s.minted && seen.has(s.person)) missed++;
    seen.add(s.person);
    identitiesOf.set(s.person, (identitiesOf.get(s.person) ?? new Set()).add(resolve(s.identityId)));
  }
  const apart = [...identitiesOf.values()].reduce((a, ids) => a + ids.size - 1, 0);
  return { atMinting: missed / Math.max(1, minted), final: apart / Math.max(1, minted) };
}
