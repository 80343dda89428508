/** A planned store through the worker's matching engine and visit rules alone (no bus, registry or ClickHouse): a mall-sized month fits this machine. */
import { seededRandom } from '../common/seeded-random.ts';
import { buildObservation } from '../ingest/build-observation.ts';
import type { ExclusionTemplate } from '../identity-registry/index.ts';
import { matchExclusion } from '../reid-worker/exclusion/match-exclusion.ts';
import { BatchAssigner } from '../reid-worker/match/batch-assigner.ts';
import { resolvePolicy, type MatchPolicy } from '../reid-worker/match/match-policy.ts';
import { CalibrationCollector } from '../reid-worker/calibration/collect-calibration-pairs.ts';
import { estimateFmr } from '../common/calibration/estimate-error-rates.ts';
import { estimateMergeRate, type MergeEstimate } from '../common/calibration/estimate-merge-rate.ts';
import {
  estimateSplitRate,
  type BestScoreSample,
  type SplitEstimate,
} from '../common/calibration/estimate-split-rate.ts';
import { addScore, type ScoreHistogram } from '../common/calibration/score-histogram.ts';
import { cosine } from '../ingest/face/measure-eer.ts';
import { SiteState, type SiteIndexOptions } from '../reid-worker/site-state.ts';
import type { IndexLayout } from '../reid-worker/index/site-vector-index.ts';
import { SiteVisitTracker } from '../storage/visit-model/site-visit-tracker.ts';
import type { VisitRules } from '../storage/visit-model/visit-rules.ts';
import type { VisitRow } from '../storage/visit-model/visit-row.ts';
import type { Sighting } from '../schemas/index.ts';
import { planStoreDays, type StoreLayout, type StorePlan } from './plan-store-days.ts';
import { measureIdentityErrors, type IdentityErrorCounts } from './measure-identity-errors.ts';
import { rankPaths, truthOf } from './score-store-reports.ts';
import { EmbeddingSynthesizer, SUBSPACE_DIM } from './synthesize-embeddings.ts';
import { planSmallFaces, type SmallFaceShares } from './plan-small-faces.ts';
import { type DoorTrackCounts, measureDoorTracks, personOfRows } from './measure-door-tracks.ts';
import type { UnidentifiedTrack } from '../storage/visit-model/attach-unidentified-tracks.ts';

export interface EngineReplayOptions {
  layout?: StoreLayout;
  visitors: number;
  days: number;
  seed: number;
  staff: number;
  policy: MatchPolicy;
  rules: VisitRules;
  /** Cosine to a staff template at or above which a sighting is staff (privacy.exclusionMinCosine). */
  exclusionMinCosine: number;
  /** Sightings per bus batch: one batched search, then a re-clustering pass, as the worker does per batch. */
  batch?: number;
  /** The site's index layout (default: the worker's). */
  index?: SiteIndexOptions;
  /**
   * Per camera, the share of visits it sees too small to identify (default none: every face
   * identifiable): such sightings become unidentified tracks the visit rules join to visits.
   */
  smallFaces?: SmallFaceShares;
  /** Whether those tracks carry a weak pairing embedding, as capture sends them (default true). */
  pairingEmbeddings?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** The figures the reports print, computed from visit rows as the report queries do. */
export interface VisitSummary {
  visitors: number;
  visits: number;
  returningRate: number;
  dwellMedianS: number;
  topPath: string[];
  /** Every path with its visits, most first. */
  paths: Array<{ path: string[]; visits: number }>;
}

export interface EngineReplayResult {
  plan: StorePlan;
  truth: VisitSummary;
  reported: VisitSummary;
  identities: number;
  /** The index the run ended with: exact below 10,000 identities, an inverted file above. */
  index: IndexLayout;
  merges: number;
  /** With small faces: the door tracks joined to visits, and how many to their owner's. */
  doorTracks: DoorTrackCounts;
  /** What the engine got wrong, by the simulator's truth. */
  errors: IdentityErrorCounts;
  /**
   * The label-free false-match rate at the site's threshold against the rate of the simulated
   * faces; the label-free split estimate against the true share of new identities whose person
   * had been seen before when they were minted; the label-free merge estimate against the
   * sightings of people never seen before that joined an identity instead of minting one.
   */
  calibration: {
    threshold: number;
    estimatedFmr: number | null;
    fmrRange: [number, number] | null;
    trueFmr: number;
    split: SplitEstimate;
    trueSplitShare: number;
    merge: MergeEstimate;
    trueMerged: number;
  };
  seconds: number;
}

const SITE = { siteId: 'sim-mall', tenant: 'sim' };
const DEFAULT_BATCH = 250;
/**
 * The replay's vectors: the synthesizer's subspace padded with zeros to a multiple of 32, the
 * width the index's SIMD kernels take (at 130 it falls back to its portable kernel, ~5× slower).
 * Zeros change no cosine and no int8 code: the decisions are the same.
 */
const REPLAY_DIM = Math.ceil(SUBSPACE_DIM / 32) * 32;
/** Sightings kept to measure the simulated faces' true false-match rate (all pairs: 12.5 million). */
const TRUTH_SAMPLE = 5_000;

/**
 * Plans the days like `eval store`, then feeds every sighting, in time order and in batches, to
 * SiteState through the worker's BatchAssigner (one index search per batch) with a re-clustering
 * pass after each batch; staff are excluded by their templates as in the worker. Merges relabel
 * every earlier sighting (as the worker re-keys them), and the visits are cut at the end from each
 * final identity's sightings by the worker's own SiteVisitTracker. Embeddings are drawn in the
 * synthesizer's subspace only: the cosines are the same as in 512 dimensions, the search 4× cheaper.
 * Between batches the event loop runs: an index rebuild the site's growth started (exact → inverted
 * file, see SiteVectorIndex) takes over there, as in the worker — which keeps answering from the
 * old index while it builds; the replay waits for it instead, so that a seed gives the same run.
 */
export async function replayStorePlanThroughEngine(o: EngineReplayOptions): Promise<EngineReplayResult> {
  const started = Date.now();
  const random = seededRandom(o.seed);
  const plan = planStoreDays({
    layout: o.layout,
    visitors: o.visitors,
    days: o.days,
    staff: o.staff,
    firstDate: '2025-03-03',
    timeZone: o.rules.timeZone,
    random,
  });
  const embeddings = new EmbeddingSynthesizer(REPLAY_DIM, 'realistic', random);
  const templates: ExclusionTemplate[] = Array.from({ length: plan.staff }, (_, k) => ({
    siteId: SITE.siteId,
    templateId: `staff-${k}`,
    label: 'staff',
    embedding: embeddings.centre(plan.visitors + k),
    images: 1,
    enrolledMs: 0,
  }));
  const state = new SiteState(SITE.siteId, REPLAY_DIM, o.index);
  const mergedInto = new Map<string, string>();
  const sightings: Sighting[] = [];
  const personOf = new Map<string, number>();
  const batch = o.batch ?? DEFAULT_BATCH;
  // Its own random: calibration must not change the store's draws.
  const sampling = seededRandom(o.seed + 0x5eed);
  const collector = new CalibrationCollector(sampling);
  const impostors: ScoreHistogram = new Map();
  const best: BestScoreSample[] = [];
  const sample: Array<{ embedding: Float32Array; person: number }> = [];
  let minted = 0;
  let merges = 0;
  const seen = new Set<number>();
  let missed = 0;
  let joined = 0;
  // As seedSimulatedStore draws them: a random stream of its own.
  const small = planSmallFaces(plan.sightings, plan.visitors, o.smallFaces ?? {}, seededRandom(o.seed + 1));
  const tracks: UnidentifiedTrack[] = [];
  const ownerOfTrack = new Map<string, number>();
  for (let start = 0; start < plan.sightings.length; start += batch) {
    const planned = plan.sightings.slice(start, start + batch).flatMap((s, j) => {
      if (!small.has(start + j)) return [{ s, k: start + j }];
      const pairing = embeddings.smallFace(s.person);
      const track = { observationId: `u${start + j}`, cameraId: s.cameraId, tStartMs: s.tStartMs, tEndMs: s.tEndMs };
      tracks.push(o.pairingEmbeddings === false ? track : { ...track, pairing });
      ownerOfTrack.set(track.observationId, s.person);
      return [];
    });
    const chunk = planned.map(({ s, k }) =>
      buildObservation(
        { embedding: embeddings.sighting(s.person), quality: 0.9 },
        {
          siteId: SITE.siteId,
          cameraId: s.cameraId,
          trackId: `t${k}`,
          tStartMs: s.tStartMs,
          tEndMs: s.tEndMs,
        },
      ),
    );
    // Staff are labelled, never a visit: the worker takes them out before assignment too.
    const visitors = chunk
      .map((obs, i) => ({ obs, i }))
      .filter(({ obs }) => !matchExclusion(obs.embedding, templates, o.exclusionMinCosine));
    const assigner = new BatchAssigner(
      state,
      visitors.map(({ obs }) => obs),
      o.policy,
      () => `id-${++minted}`,
    );
    visitors.forEach(({ obs, i }) => {
      const { sighting, identity, minted: against } = assigner.assign(obs);
      sightings.push(sighting);
      const person = planned[i].s.person;
      personOf.set(obs.observationId, person);
      collector.observe(state, obs, identity.identityId, against);
      if (against) missed += seen.has(person) ? 1 : 0;
      else if (!seen.has(person)) joined++;
      seen.add(person);
      if (sample.length < TRUTH_SAMPLE) sample.push({ embedding: obs.embedding, person });
      else if (sampling() < TRUTH_SAMPLE / sightings.length)
        sample[Math.floor(sampling() * TRUTH_SAMPLE)] = { embedding: obs.embedding, person };
    });
    assigner.finish();
    for (const e of state.recluster(o.policy)) mergedInto.set(e.from, e.to), merges++;
    // The batch is written: its pairs, once (the worker's CalibrationRecorder).
    for (const p of collector.take(visitors.map(({ obs }) => obs.observationId))) {
      if (p.kind === 'impostor') addScore(impostors, p.score);
      if (p.against) best.push({ score: p.score, ...p.against, count: 1 });
    }
    o.onProgress?.(Math.min(start + batch, plan.sightings.length), plan.sightings.length);
    await state.index.settled();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const survivor = (id: string): string => {
    while (mergedInto.has(id)) id = mergedInto.get(id)!;
    return id;
  };
  // The visits are cut at the end: a small face meets the final centroids, not those of its moment.
  const tracker = new SiteVisitTracker(SITE, o.rules, (id) => {
    const centroid = state.get(id)?.centroid;
    return centroid && ((pairing) => cosine(centroid, pairing));
  });
  const rows = new Map<string, VisitRow>();
  const final = sightings.map((s) => ({ ...s, identityId: survivor(s.identityId) }));
  for (const row of tracker.apply(final, tracks)) rows.set(row.visitId, row);
  for (const row of tracker.sweep(Number.MAX_SAFE_INTEGER)) rows.set(row.visitId, row);
  const personOfRow = personOfRows(final.map((s) => ({ ...s, person: personOf.get(s.observationId)! })));
  const t = truthOf(plan);
  return {
    plan,
    truth: {
      visitors: t.visitors,
      visits: t.visits,
      returningRate: t.returningRate,
      dwellMedianS: t.dwellMedianS,
      topPath: t.topPath,
      paths: t.paths,
    },
    reported: summariseVisits([...rows.values()]),
    identities: state.size,
    index: state.index.layout(),
    merges,
    errors: measureIdentityErrors(plan, [...rows.values()], personOfRow),
    doorTracks: measureDoorTracks([...rows.values()], personOfRow, ownerOfTrack),
    calibration: {
      ...checkCalibration(impostors, best, sample, resolvePolicy(o.policy).matchMinCosine, merges),
      trueSplitShare: missed / Math.max(1, minted),
      trueMerged: joined,
    },
    seconds: (Date.now() - started) / 1000,
  };
}

/** The estimator's false-match rate from the stream's pairs (no labels), and the rate all pairs of different people in a sample of sightings really have. */
function checkCalibration(
  impostors: ScoreHistogram,
  best: BestScoreSample[],
  sample: Array<{ embedding: Float32Array; person: number }>,
  threshold: number,
  reclusterMerges: number,
): Omit<EngineReplayResult['calibration'], 'trueSplitShare' | 'trueMerged'> {
  let [above, total] = [0, 0];
  for (let i = 0; i < sample.length; i++) {
    for (let j = i + 1; j < sample.length; j++) {
      if (sample[i].person === sample[j].person) continue;
      total++;
      if (cosine(sample[i].embedding, sample[j].embedding) >= threshold) above++;
    }
  }
  const { fmr, fmrRange } = estimateFmr(impostors, threshold);
  const split = estimateSplitRate(best, impostors, { reclusterMerges });
  return {
    threshold,
    estimatedFmr: fmr,
    fmrRange,
    trueFmr: above / Math.max(1, total),
    split,
    merge: estimateMergeRate(best, impostors, { missedAtMinting: split.missedAtMinting }),
  };
}

/** Counted visits only, as the reports: distinct identities, visits, returning share, median dwell (ClickHouse's quantileExact), top path. */
export function summariseVisits(rows: VisitRow[]): VisitSummary {
  const counted = rows.filter((r) => r.counted);
  const dwell = counted.map((r) => (r.endMs - r.startMs) / 1000).sort((a, b) => a - b);
  const paths = new Map<string, { path: string[]; visits: number }>();
  for (const r of counted) {
    const path = r.cameras.filter((c, i) => i === 0 || c !== r.cameras[i - 1]);
    const key = path.join('\u0000');
    paths.set(key, { path, visits: (paths.get(key)?.visits ?? 0) + 1 });
  }
  const ranked = rankPaths(paths.values());
  return {
    visitors: new Set(counted.map((r) => r.identityId)).size,
    visits: counted.length,
    returningRate: counted.length > 0 ? counted.filter((r) => r.returning).length / counted.length : 0,
    dwellMedianS: dwell.length > 0 ? dwell[Math.floor(dwell.length / 2)] : 0,
    topPath: ranked[0]?.path ?? [],
    paths: ranked,
  };
}
