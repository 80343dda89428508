/** Runs the camera worker on a video as `revisit ingest` does (detector and shot-models threads) and keeps what capture is scored on. */
import { createMemoryBus } from '../../common/bus/index.ts';
import {
  ingestVideo,
  ObservationPublisher,
  readVideoFrames,
  type FacePipeline,
  type ShotModels,
  type VideoFrame,
  type VideoIngestStats,
} from '../../ingest/index.ts';
import { cameraDetection, decodeFaceObservation, type IngestConfig } from '../../schemas/index.ts';
import type { CaptureRun } from '../fixtures/capture-scenes.ts';

const SITE = 'capture-site';
const CAMERA = 'capture-cam';
/** Replays of footage recorded long ago are in the window. */
const limits = {
  embeddingDim: 512,
  maxMessageBytes: 65_536,
  isKnownSite: (s: string) => s === SITE,
  times: { now: Date.now, maxFutureSkewMs: 300_000, maxPastMsOf: () => 3650 * 86_400_000 },
};

export interface CaptureRunOptions {
  config: IngestConfig;
  /** Epoch ms of the video's first frame. */
  startMs: number;
  shotModels: ShotModels;
}

/** The worker's run on `video`: faces per analysed frame, every published observation, and its stats. */
export async function runCapture(
  pipeline: FacePipeline,
  video: string,
  opts: CaptureRunOptions,
): Promise<CaptureRun & { stats: VideoIngestStats }> {
  const { config } = opts;
  const bus = createMemoryBus();
  const raw: Uint8Array[] = [];
  const sub = await bus.subscribe({ topic: 'obs', groupId: 'g' }, async (batch) => {
    for (const m of batch.messages) raw.push(m.value);
  });
  const frames: CaptureRun['frames'] = [];
  async function* counted(source: AsyncIterable<VideoFrame>): AsyncGenerator<VideoFrame> {
    for await (const frame of source) {
      frames.push({ tMs: frame.tMs, faces: frame.detected?.faces.length ?? 0, runs: frame.detected?.runs ?? 1 });
      yield frame;
    }
  }
  try {
    const source = readVideoFrames(video, {
      fps: config.analysisFps,
      maxWidth: config.maxFrameSide,
      startMs: opts.startMs,
      reconnect: config.reconnect,
      detectorModel: pipeline.modelFile('detect'),
      detection: cameraDetection(config, CAMERA),
    });
    const stats = await ingestVideo(pipeline, new ObservationPublisher(bus, 'obs', limits), {
      siteId: SITE,
      cameraId: CAMERA,
      frames: counted(source),
      config,
      shotModels: opts.shotModels,
    });
    await sub.drain();
    return { stats, frames, observations: raw.map((b) => decodeFaceObservation(b, limits)) };
  } finally {
    await bus.close();
  }
}
