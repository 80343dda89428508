/** Ingests one camera's video (file or stream): frames → face tracks → observations on the bus, with counts and metrics. */
import { randomBytes } from 'node:crypto';
import type { IngestConfig } from '../schemas/index.ts';
import type { FacePipeline, ShotModels } from './face/index.ts';
import {
  cameraLabel,
  dropsTotal,
  facesDetectedTotal,
  framesDecodedTotal,
  openTracks,
  tracksTotal,
} from './ingest-metrics.ts';
import type { ObservationPublisher } from './observation-publisher.ts';
import { FaceTrackObserver, type TrackOutcome } from './observe-face-tracks.ts';
import type { VideoFrame } from './sources/read-video-frames.ts';

export interface IngestVideoOptions {
  siteId: string;
  cameraId: string;
  frames: AsyncIterable<VideoFrame>;
  config: Pick<IngestConfig, 'tracking' | 'quality' | 'liveness' | 'staticFace' | 'unidentified'>;
  /** Where the ended tracks' liveness and embeddings run (default: the pipeline, on this thread). */
  shotModels?: ShotModels;
  /** Called after every frame with the running totals. */
  onProgress?: (stats: VideoIngestStats) => void;
  /** Counts each analysed frame into the camera's heartbeats (coverage). */
  heartbeats?: { countFrame(): void };
}

/** Frames whose ended tracks may still be concluding before the next frame waits for them. */
const MAX_CONCLUDING = 8;

/** Running totals of one video ingest. */
export interface VideoIngestStats {
  frames: number;
  faces: number;
  tracks: number;
  /** Identified tracks: observations with an embedding. */
  observations: number;
  /** People seen but not identified: observations without an embedding. */
  unidentified: number;
  /** Closed tracks that gave no observation, and frames rejected by the quality gate, by reason. */
  drops: Record<string, number>;
  /** Frames per track that became an observation (one person walking past = one track). */
  framesPerObservation: number[];
}

/**
 * Runs until `frames` ends, then closes the open tracks and publishes their observations.
 * Observations are published as their tracks end, so a live stream produces them continuously.
 */
export async function ingestVideo(
  pipeline: FacePipeline,
  publisher: ObservationPublisher,
  opts: IngestVideoOptions,
): Promise<VideoIngestStats> {
  const camera = opts.cameraId;
  const label = cameraLabel(opts.siteId, camera);
  const observer = new FaceTrackObserver(pipeline, {
    siteId: opts.siteId,
    cameraId: camera,
    // Random per run, so track ids (and cannot-link hints) never collide across restarts.
    trackIdPrefix: `${camera.slice(0, 100)}.${randomBytes(4).toString('hex')}`,
    config: opts.config,
    shotModels: opts.shotModels,
  });
  const stats: VideoIngestStats = {
    frames: 0,
    faces: 0,
    tracks: 0,
    observations: 0,
    unidentified: 0,
    drops: {},
    framesPerObservation: [],
  };
  const drop = (reason: string) => {
    stats.drops[reason] = (stats.drops[reason] ?? 0) + 1;
    dropsTotal.inc({ reason });
  };
  const conclude = async (outcomes: TrackOutcome[]) => {
    for (const outcome of outcomes) {
      stats.tracks++;
      tracksTotal.inc({ camera: label });
      if (outcome.kind === 'dropped') drop(`track_${outcome.reason}`);
      else if (outcome.kind === 'observation') stats.framesPerObservation.push(outcome.frames);
    }
    const observations = outcomes.flatMap((o) => (o.kind === 'dropped' ? [] : [o.observation]));
    await publisher.publish(observations);
    for (const o of outcomes) {
      if (o.kind === 'observation') stats.observations++;
      else if (o.kind === 'unidentified') stats.unidentified++;
    }
  };

  // Ended tracks are concluded (liveness, embedding, publishing) while later frames are analysed;
  // at most MAX_CONCLUDING frames' worth wait, so a crowd cannot pile up crops without bound.
  const concluding = new Set<Promise<void>>();
  let failure = null as { error: unknown } | null;
  const settle = (outcomes: Promise<TrackOutcome[]>) => {
    const done: Promise<void> = outcomes
      .then(conclude)
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => concluding.delete(done));
    concluding.add(done);
  };
  try {
    for await (const frame of opts.frames) {
      const result = await observer.processFrame(frame);
      stats.frames++;
      opts.heartbeats?.countFrame();
      stats.faces += result.faces;
      framesDecodedTotal.inc({ camera: label });
      facesDetectedTotal.inc({ camera: label }, result.faces);
      for (const reason of result.rejectedFrames) drop(`frame_${reason}`);
      settle(result.outcomes);
      while (concluding.size > MAX_CONCLUDING) await Promise.race(concluding);
      if (failure) throw failure.error;
      openTracks.set({ camera: label }, observer.openTracks);
      opts.onProgress?.(stats);
    }
  } finally {
    // Even when the source fails, the tracks seen so far are people: publish them.
    settle(observer.closeAll());
    while (concluding.size > 0) await Promise.race(concluding);
    openTracks.set({ camera: label }, 0);
  }
  if (failure) throw failure.error;
  return stats;
}
