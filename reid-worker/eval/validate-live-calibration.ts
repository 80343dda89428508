/** Scores the label-free estimator where the truth is known: a labelled folder's photos as frames, labels hidden from the estimator. */
import { seededRandom } from '../../common/seeded-random.ts';
import { buildObservation } from '../../ingest/build-observation.ts';
import { scorePairs } from '../../ingest/face/measure-eer.ts';
import type { FaceObservation } from '../../schemas/index.ts';
import { CalibrationCollector } from '../calibration/collect-calibration-pairs.ts';
import { estimateFmr } from '../../common/calibration/estimate-error-rates.ts';
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
  let minted = 0;
  let t = START_MS;
  order.forEach((photo, k) => {
    t += 5_000 + Math.floor(random() * 55_000);
    const cameraId = `cam-${1 + Math.floor(random() * 4)}`;
    const shown = [{ embedding: photo.embedding, quality: photo.quality }, ...(photo.others ?? [])].filter(
      (f) => f.quality >= opts.minQuality,
    );
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
      const { identity } = assignIdentity(state, obs, opts.policy, () => `id-${++minted}`);
      collector.observe(state, obs, identity.identityId);
      observed.push(obs.observationId);
    });
    if ((k + 1) % RECLUSTER_EVERY === 0) state.recluster(opts.policy);
  });
  const impostors: ScoreHistogram = new Map();
  const pairsBySource: Record<string, number> = {};
  for (const p of collector.take(observed)) {
    pairsBySource[p.source] = (pairsBySource[p.source] ?? 0) + 1;
    if (p.kind === 'impostor') addScore(impostors, p.score);
  }
  const threshold = resolvePolicy(opts.policy).matchMinCosine;
  const { fmr, fmrRange } = estimateFmr(impostors, threshold);
  // Every pair: the rate is ~1e-5, so sampling them would leave a handful of pairs above the threshold.
  const labelled = scorePairs(
    faces.map((f) => f.embedding),
    faces.map((f) => f.person),
  ).impostor;
  const labelledFmr = labelled.filter((s) => s >= threshold).length / Math.max(1, labelled.length);
  return {
    seed: opts.seed,
    threshold,
    pairsBySource,
    estimatedFmr: fmr,
    fmrRange,
    labelledFmr,
    ratio: fmr !== null && labelledFmr > 0 ? fmr / labelledFmr : null,
  };
}
