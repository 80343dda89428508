/** Replays labelled faces as a stream of sightings through the real assignment engine and scores the result. */
import { seededRandom, type Random } from '../../common/seeded-random.ts';
import { buildObservation } from '../../ingest/build-observation.ts';
import { assignIdentity } from '../match/assign-identity.ts';
import type { MatchPolicy } from '../match/match-policy.ts';
import { DEFAULT_SITE_INDEX, SiteState, type SiteIndexOptions } from '../site-state.ts';
import type { LabelledFace } from './embed-labelled-folder.ts';
import { scoreClustering, type ClusteringScores } from './measure-clustering.ts';

export interface ReplayOptions {
  seed: number;
  policy: MatchPolicy;
  /** Sightings between re-clustering passes, as a worker runs one after each bus batch. 0 = never. */
  reclusterEvery?: number;
  cameras?: number;
  /** The index the engine searches: the worker's by default; EXACT_INDEX is the float32 reference. */
  index?: SiteIndexOptions;
}

/** Exact search over float32 centroids: the reference the worker's int8 index is measured against. */
export const EXACT_INDEX: SiteIndexOptions = { codec: 'float32', exactBelow: Number.MAX_SAFE_INTEGER, nprobe: 1 };

export interface ReplayResult {
  scores: ClusteringScores;
  merges: number;
  deferred: number;
  /** With the labels: faces of a person not seen before that joined an earlier identity instead of minting one. */
  joinedAtMatching: number;
}

const SITE = 'eval';
const START_MS = Date.UTC(2025, 0, 6, 9);
const DEFAULT_RECLUSTER_EVERY = 20;

function shuffled<T>(items: T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Each face becomes one sighting, in an order given by the seed, on a random camera, 5–60 s after
 * the previous one. Assignment is the worker's own (SiteState + assignIdentity + recluster);
 * a merge relabels every earlier sighting of the merged identity, as the registry would.
 */
export function replaySightings(faces: LabelledFace[], opts: ReplayOptions): ReplayResult {
  const random = seededRandom(opts.seed);
  const order = shuffled(faces, random);
  const cameras = opts.cameras ?? 4;
  const every = opts.reclusterEvery ?? DEFAULT_RECLUSTER_EVERY;
  const state = new SiteState(SITE, order[0]?.embedding.length ?? 512, opts.index ?? DEFAULT_SITE_INDEX);
  const mergedInto = new Map<string, string>();
  const assigned: string[] = [];
  let n = 0;
  let merges = 0;
  let deferred = 0;
  let joinedAtMatching = 0;
  const seen = new Set<string>();
  const recluster = (): number => {
    const events = state.recluster(opts.policy);
    for (const e of events) mergedInto.set(e.from, e.to);
    merges += events.length;
    return events.length;
  };
  let t = START_MS;
  for (const [i, face] of order.entries()) {
    t += 5_000 + Math.floor(random() * 55_000);
    const camera = `cam-${1 + Math.floor(random() * cameras)}`;
    const obs = buildObservation(face, {
      siteId: SITE,
      cameraId: camera,
      trackId: `t${i}`,
      tStartMs: t,
      tEndMs: t + 2_000,
    });
    const { identity, decision, minted } = assignIdentity(state, obs, opts.policy, () => `id-${++n}`);
    if (decision.kind === 'deferred') deferred++;
    if (!minted && !seen.has(face.person)) joinedAtMatching++;
    seen.add(face.person);
    assigned.push(identity.identityId);
    if (every > 0 && (i + 1) % every === 0) recluster();
  }
  // The last batch's pass, repeated while merges still make centroids converge.
  if (every > 0) for (let pass = 0; pass < 10 && recluster() > 0; pass++);
  const resolve = (id: string): string => {
    let at = id;
    while (mergedInto.has(at)) at = mergedInto.get(at)!;
    return at;
  };
  return {
    scores: scoreClustering(
      order.map((f) => f.person),
      assigned.map(resolve),
    ),
    merges,
    deferred,
    joinedAtMatching,
  };
}
