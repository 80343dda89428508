/** Turns a camera's frames into one observation per face track: track, gate, keep the best shots, then liveness and embedding. */
import type { FaceObservation, IngestConfig, UnidentifiedReason } from '../schemas/index.ts';
import { buildObservation } from './build-observation.ts';
import type {
  DescribedFace,
  DetectedFaces,
  FaceCrops,
  FacePipeline,
  FrameImage,
  RgbImage,
  ShotModels,
} from './face/index.ts';
import { weightedMeanEmbedding } from './quality/average-embeddings.ts';
import { cosine } from './face/measure-eer.ts';
import { faceSide, gateFaceQuality } from './quality/gate-face-quality.ts';
import { TrackEvidence } from './quality/track-evidence.ts';
import { FaceTracker, type Track } from './track/track-faces.ts';

/** Why a closed track produced no observation. */
export type TrackDropReason = 'too_short' | 'static_face' | 'low_quality' | 'spoof';

/**
 * An ended track: identified (an observation with an embedding), a person seen but not identified
 * (an observation without one: its face never passed the quality gate), or dropped.
 */
export type TrackOutcome =
  | { kind: 'observation'; observation: FaceObservation; frames: number }
  | { kind: 'unidentified'; observation: FaceObservation; reason: UnidentifiedReason; frames: number }
  | { kind: 'dropped'; trackId: string; reason: TrackDropReason; frames: number };

export interface FrameResult {
  faces: number;
  /** Per-frame gate rejections by reason (a rejected frame does not end its track). */
  rejectedFrames: string[];
  /** The tracks this frame ended: their liveness and embeddings may still be running. */
  outcomes: Promise<TrackOutcome[]>;
}

export interface TrackObserverOptions {
  siteId: string;
  cameraId: string;
  /** Unique per worker run: track ids must not repeat across restarts. */
  trackIdPrefix: string;
  config: Pick<IngestConfig, 'tracking' | 'quality' | 'liveness' | 'staticFace' | 'unidentified'>;
  /** Where liveness and embeddings run (default: the pipeline itself, on this thread). */
  shotModels?: ShotModels;
}

/** One frame to observe (a VideoFrame is one). */
export interface ObservedFrame {
  image: FrameImage;
  tMs: number;
  /** The frame already shrunk for the detector, when the source has it. */
  detectorView?: RgbImage;
  /** Its faces, when a detector already ran on it. */
  detected?: DetectedFaces;
}

/** The protocol allows 256 cannot-link ids; a crowd beyond that is not worth the bytes. */
const MAX_CANNOT_LINKS = 256;
/**
 * Two kept shots at least this far apart give the observation's shot_cosine (a genuine pair for
 * label-free calibration): frames a few hundred ms apart are near copies of each other and would
 * make the false-non-match rate look better than it is.
 */
const MIN_SHOT_GAP_MS = 1_000;

/** A kept shot's crops and when its frame was taken. */
interface KeptShot {
  crops: FaceCrops;
  tMs: number;
}

/**
 * Long-lived per camera. Per frame it runs detection, landmarks, alignment and the quality
 * gate; the two expensive models (liveness, embedding) run only on each track's best K frames,
 * once the track ends, on crops made then from the kept frames' face windows (copied out, as the
 * frame buffers are reused). Memory is bounded by maxOpenTracks × K windows: a window is the
 * liveness context, 2.7 face heights square, at most ~0.8 MB on a 1280×720 frame. A track with
 * no shot yet also keeps its best too-small face (one window of a face under minFaceSidePx, ~35
 * kB), embedded only if the track ends unidentified as too small: its pairing embedding.
 */
export class FaceTrackObserver {
  private readonly tracker: FaceTracker;
  private readonly evidence = new Map<string, TrackEvidence<KeptShot>>();
  private readonly shotModels: ShotModels;

  constructor(
    private readonly pipeline: FacePipeline,
    private readonly opts: TrackObserverOptions,
  ) {
    this.tracker = new FaceTracker(opts.config.tracking, opts.trackIdPrefix);
    this.shotModels = opts.shotModels ?? pipeline;
  }

  /** Tracks currently open. */
  get openTracks(): number {
    return this.tracker.openCount;
  }

  async processFrame(frame: ObservedFrame): Promise<FrameResult> {
    const { image, tMs, detectorView, detected } = frame;
    const faces = await this.pipeline.describeFaces(image, { detectorView, detected });
    const { trackIds, closed } = this.tracker.update(
      faces.map((f) => f.box),
      tMs,
    );
    const rejectedFrames: string[] = [];
    faces.forEach((face, i) => {
      const rejected = this.offerShot(trackIds[i], face, tMs);
      if (rejected) rejectedFrames.push(rejected);
    });
    return { faces: faces.length, rejectedFrames, outcomes: this.finish(closed) };
  }

  /** Ends every open track (end of file, stream stopped) and returns their outcomes. */
  closeAll(): Promise<TrackOutcome[]> {
    return this.finish(this.tracker.closeAll());
  }

  private offerShot(trackId: string, face: DescribedFace, tMs: number): string | null {
    const { quality } = this.opts.config;
    let evidence = this.evidence.get(trackId);
    if (!evidence) {
      const smallFloor = quality.pairingEmbeddings ? quality.pairingMinFaceSidePx : undefined;
      this.evidence.set(trackId, (evidence = new TrackEvidence(quality.bestShots, smallFloor)));
    }
    const gate = gateFaceQuality(face, quality);
    evidence.note(face, gate.pass ? null : gate.reason);
    const keep = () => ({ crops: face.keep(), tMs });
    if (!gate.pass) {
      if (gate.reason === 'too_small') evidence.small?.offer(faceSide(face), face.quality, keep);
      return gate.reason;
    }
    evidence.shots.offer(gate.score, face.quality, keep);
    evidence.small?.close();
    return null;
  }

  private finish(tracks: Track[]): Promise<TrackOutcome[]> {
    const ended = tracks.map((track) => {
      const evidence = this.evidence.get(track.id) ?? new TrackEvidence<KeptShot>(1);
      this.evidence.delete(track.id);
      return { track, evidence };
    });
    return Promise.all(ended.map(({ track, evidence }) => this.conclude(track, evidence)));
  }

  private async conclude(track: Track, evidence: TrackEvidence<KeptShot>): Promise<TrackOutcome> {
    const { quality, staticFace, liveness } = this.opts.config;
    const shots = evidence.shots.kept;
    const dropped = (reason: TrackDropReason): TrackOutcome => ({
      kind: 'dropped',
      trackId: track.id,
      reason,
      frames: track.hits,
    });
    if (track.hits < quality.minTrackFrames) return dropped('too_short');
    if (track.hits >= staticFace.minFrames && track.maxTravelSides <= staticFace.maxTravelSides)
      return dropped('static_face');
    if (shots.length === 0) return (await this.unidentified(track, evidence)) ?? dropped('low_quality');
    let pLive: number | undefined;
    if (liveness.action !== 'off') {
      const scores = await Promise.all(
        shots.map((shot) => this.shotModels.scoreLiveness(shot.payload.crops.liveness())),
      );
      pLive = scores.reduce((sum, p) => sum + p, 0) / shots.length;
      if (liveness.action === 'drop' && pLive < liveness.minLive) return dropped('spoof');
    }
    const embeddings = await Promise.all(
      shots.map((shot) => this.shotModels.embedAligned(shot.payload.crops.aligned())),
    );
    const embedding = weightedMeanEmbedding(
      embeddings,
      shots.map((s) => s.score),
    );
    const observation = buildObservation(
      { embedding, quality: shots.reduce((s, shot) => s + shot.quality, 0) / shots.length },
      {
        ...this.context(track),
        liveness: pLive,
        shotCosine: shotCosine(
          shots.map((shot) => shot.payload.tMs),
          embeddings,
        ),
      },
    );
    return { kind: 'observation', observation, frames: track.hits };
  }

  /**
   * A track whose face never passed the gate is still a person, if it was seen long and clearly
   * enough to be one (ingest.unidentified): an observation without an embedding — too small, with
   * its best small face's pairing embedding when it kept one (one embedding run). Else null.
   */
  private async unidentified(track: Track, evidence: TrackEvidence<KeptShot>): Promise<TrackOutcome | null> {
    const rule = this.opts.config.unidentified;
    if (!rule.count || track.hits < rule.minFrames || evidence.bestDetectorScore < rule.minDetectorScore) return null;
    const reason = evidence.unidentifiedReason();
    const small = evidence.pairingShot();
    const pairingEmbedding = small ? await this.shotModels.embedAligned(small.crops.aligned()) : undefined;
    const observation = buildObservation(
      { embedding: new Float32Array(0), quality: evidence.bestQuality },
      { ...this.context(track), unidentified: reason, pairingEmbedding },
    );
    return { kind: 'unidentified', observation, reason, frames: track.hits };
  }

  private context(track: Track) {
    return {
      siteId: this.opts.siteId,
      cameraId: this.opts.cameraId,
      trackId: track.id,
      tStartMs: track.firstSeenMs,
      tEndMs: track.lastSeenMs,
      cannotLinkTrackIds: [...track.concurrent].slice(0, MAX_CANNOT_LINKS),
    };
  }
}

/** Cosine between the earliest and the latest kept shot, when they are MIN_SHOT_GAP_MS apart. */
function shotCosine(times: number[], embeddings: Float32Array[]): number | undefined {
  const first = times.indexOf(Math.min(...times));
  const last = times.indexOf(Math.max(...times));
  if (times.length < 2 || times[last] - times[first] < MIN_SHOT_GAP_MS) return undefined;
  return Math.max(-1, Math.min(1, cosine(embeddings[first], embeddings[last])));
}
