/** Label-free score pairs from the live stream: faces of one frame (certain impostors), sightings the engine keeps apart, and shots of one track (genuine). */
import { cosine } from '../../ingest/face/measure-eer.ts';
import type { FaceObservation } from '../../schemas/index.ts';
import type { MintedAgainst } from '../match/batch-assigner.ts';
import type { SiteState } from '../site-state.ts';

/**
 * `same_frame`: two faces of one frame, certainly two people. `cross_identity`: a sighting and a
 * recent sighting the engine gave another identity — the engine's own separation, used because a
 * store shows few faces together while the tail of the false-match rate needs hundreds of
 * thousands of pairs (it counts the rare impostors the engine merged as missing, and the pairs of
 * a split person as impostors: at the threshold the two roughly cancel, see docs/calibration.md).
 * `track_shots`: two shots of one track far apart in time, scored by the camera worker.
 * `best_score` (kind `new_identity`, no pair): a face that became a new identity and the best
 * score it reached against the gallery — a stranger or a missed return (estimateSplitRate).
 */
export type PairSource = 'same_frame' | 'cross_identity' | 'track_shots' | 'best_score';
export type PairKind = 'impostor' | 'genuine' | 'new_identity';

export interface CalibrationPair {
  siteId: string;
  /** The two cameras, in sorted order (one camera: both the same). */
  cameraA: string;
  cameraB: string;
  kind: PairKind;
  source: PairSource;
  score: number;
  atMs: number;
  /** `best_score` only: the gallery size and threshold the new identity's face failed. */
  against?: { gallerySize: number; threshold: number };
}

/** Recent sightings per site that new ones are compared with. */
const RING_SIZE = 2_000;
/**
 * Comparisons per new sighting (~0.1 ms): the tail fit reads the sample's p99.9, so it needs
 * hundreds of thousands of pairs — a day of a small store gives them. On lfw_dev (2,400 faces) 32
 * left the estimate 1.0–2.3× the labelled rate over seeds 1–5, 128 gives 1.4–1.5×.
 */
const CROSS_PAIRS = 128;
/**
 * Cross-identity pairs a site gets per hour of stream time, about: ~1.5 million a 12-hour day,
 * several times what the tail fit needs. A busy site (a mall sees ~6,000 sightings an hour) draws
 * fewer per sighting, by its previous hour's count — 128 each would cost the worker 0.1 ms a
 * sighting and bin millions of pairs a day for nothing. A small store (a few hundred an hour) and
 * the lfw_dev replay stay at CROSS_PAIRS.
 */
const CROSS_PAIRS_PER_HOUR = 128_000;
const HOUR_MS = 3_600_000;
/** Observations whose pairs wait for their sighting to be written (a failed batch's stay until evicted). */
const MAX_PENDING = 20_000;

interface RingEntry {
  embedding: Float32Array;
  identityId: string;
  cameraId: string;
}

/**
 * Collects pairs per observation; `take` hands over only those of observations whose sightings
 * were written, so a batch that fails and comes again is counted once (a redelivered observation
 * is not assigned, hence not observed, again).
 */
export class CalibrationCollector {
  private readonly rings = new Map<string, RingEntry[]>();
  private readonly pending = new Map<string, CalibrationPair[]>();
  /** Per site: the stream hour being counted, its sightings so far, and the pairs per sighting set from the hour before. */
  private readonly hours = new Map<string, { hour: number; sightings: number; perSighting: number }>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Called once an observation got its identity (`minted`: it became a new one, see Assignment). */
  observe(state: SiteState, obs: FaceObservation, identityId: string, minted?: MintedAgainst): void {
    const pairs: CalibrationPair[] = [];
    const add = (
      otherCamera: string,
      kind: PairKind,
      source: PairSource,
      score: number,
      against?: CalibrationPair['against'],
    ) => {
      const [cameraA, cameraB] = [obs.cameraId, otherCamera].sort();
      pairs.push({
        siteId: obs.siteId,
        cameraA,
        cameraB,
        kind,
        source,
        score,
        atMs: obs.tEndMs,
        ...(against && { against }),
      });
    };
    for (const track of obs.cannotLinkTrackIds) {
      const other = state.memberOfTrack(obs.cameraId, track);
      if (other) add(obs.cameraId, 'impostor', 'same_frame', cosine(obs.embedding, other.member.embedding));
    }
    const ring = this.rings.get(obs.siteId) ?? [];
    const crossPairs = Math.min(this.crossPairsFor(obs), ring.length);
    for (let i = 0; i < crossPairs; i++) {
      const entry = ring[Math.floor(this.random() * ring.length)];
      // Merged away or expired since: no longer a separate identity.
      if (entry.identityId === identityId || !state.has(entry.identityId)) continue;
      add(entry.cameraId, 'impostor', 'cross_identity', cosine(obs.embedding, entry.embedding));
    }
    if (obs.shotCosine !== undefined) add(obs.cameraId, 'genuine', 'track_shots', obs.shotCosine);
    if (minted) {
      const { bestScore, gallerySize, threshold } = minted;
      add(obs.cameraId, 'new_identity', 'best_score', bestScore, { gallerySize, threshold });
    }
    if (ring.length < RING_SIZE) ring.push({ embedding: obs.embedding, identityId, cameraId: obs.cameraId });
    else ring[Math.floor(this.random() * RING_SIZE)] = { embedding: obs.embedding, identityId, cameraId: obs.cameraId };
    this.rings.set(obs.siteId, ring);
    this.pending.delete(obs.observationId);
    this.pending.set(obs.observationId, pairs);
    for (const id of this.pending.keys()) {
      if (this.pending.size <= MAX_PENDING) break;
      this.pending.delete(id);
    }
  }

  /** How many cross-identity pairs this sighting draws: CROSS_PAIRS, fewer on a busy site (CROSS_PAIRS_PER_HOUR; a fraction is drawn as a chance). */
  private crossPairsFor(obs: FaceObservation): number {
    const hour = Math.floor(obs.tEndMs / HOUR_MS);
    const counted = this.hours.get(obs.siteId) ?? { hour, sightings: 0, perSighting: CROSS_PAIRS };
    // A late sighting of an hour already past counts in the current one.
    if (hour > counted.hour && counted.sightings > 0) {
      counted.perSighting = Math.min(CROSS_PAIRS, CROSS_PAIRS_PER_HOUR / counted.sightings);
      counted.hour = hour;
      counted.sightings = 0;
    }
    counted.sightings++;
    this.hours.set(obs.siteId, counted);
    const whole = Math.floor(counted.perSighting);
    return whole === counted.perSighting ? whole : whole + (this.random() < counted.perSighting - whole ? 1 : 0);
  }

  /** The pairs of these (written) observations, once. */
  take(observationIds: Iterable<string>): CalibrationPair[] {
    const out: CalibrationPair[] = [];
    for (const id of observationIds) {
      const pairs = this.pending.get(id);
      if (!pairs) continue;
      out.push(...pairs);
      this.pending.delete(id);
    }
    return out;
  }

  /** Partitions moved: another worker may own these sites now. */
  forgetSites(): void {
    this.rings.clear();
    this.pending.clear();
    this.hours.clear();
  }
}
