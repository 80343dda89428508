/** One camera's video file or stream through the face pipeline to the publisher: the frame reader, a shot-models thread, the track observer. */
import { cameraDetection, type IngestConfig } from '../schemas/ingest.schema.ts';
import type { FacePipeline } from './face/index.ts';
import { ingestVideo, type VideoIngestStats } from './ingest-video.ts';
import type { ObservationPublisher } from './observation-publisher.ts';
import { readVideoFrames } from './sources/read-video-frames.ts';

export interface CameraVideoOptions {
  siteId: string;
  cameraId: string;
  /** A video file, or an rtsp:// or http(s):// stream. */
  source: string;
  config: IngestConfig;
  /** Counts each analysed frame into the camera's heartbeats (coverage). */
  heartbeats?: { countFrame(): void };
  /** Ends a stream (its open tracks are still closed and published). */
  signal?: AbortSignal;
  onProgress?: (stats: VideoIngestStats) => void;
  /** A stream dropped or stalled and is reopened after `delayMs`. */
  onReconnect?: (attempt: number, delayMs: number, reason: string) => void;
}

/** Runs until the file ends, the stream is given up, or `signal` aborts; the totals of the run. */
export async function runCameraVideo(
  pipeline: FacePipeline,
  publisher: ObservationPublisher,
  opts: CameraVideoOptions,
): Promise<VideoIngestStats> {
  const { analysisFps: fps, maxFrameSide, reconnect } = opts.config;
  const shotModels = pipeline.startShotModelsThread();
  try {
    return await ingestVideo(pipeline, publisher, {
      siteId: opts.siteId,
      cameraId: opts.cameraId,
      config: opts.config,
      frames: readVideoFrames(opts.source, {
        fps,
        maxWidth: maxFrameSide,
        reconnect,
        signal: opts.signal,
        detectorModel: pipeline.modelFile('detect'),
        detection: cameraDetection(opts.config, opts.cameraId),
        onReconnect: opts.onReconnect,
      }),
      shotModels,
      heartbeats: opts.heartbeats,
      onProgress: opts.onProgress,
    });
  } finally {
    await shotModels.close();
  }
}
