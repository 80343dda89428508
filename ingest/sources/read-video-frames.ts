/** Video sources: a file read once, or a live stream (RTSP/HTTP) reopened with backoff whenever it drops. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DetectionConfig } from '../../schemas/index.ts';
import { DETECTOR_INPUT_SIZE, type DetectedFaces, type RgbImage, type Yuv420Image } from '../face/index.ts';
import { dropsTotal, sourceRestartsTotal } from '../ingest-metrics.ts';
import { decodeFrames } from './decode-frames.ts';

/** One analysed frame with its capture time. Its pixels are valid until the next frame is asked for (the buffers are reused). */
export interface VideoFrame {
  image: Yuv420Image;
  /** The same frame shrunk to the face detector's input size by ffmpeg (see DetectOptions.detectorView). */
  detectorView: RgbImage;
  /** The frame shrunk by the detection's tile scale, when the detector cuts it into tiles. */
  tileView?: RgbImage;
  /** Its faces, when ReadVideoOptions.detectorModel is given. */
  detected?: DetectedFaces;
  /** Epoch ms: file position from `startMs` for files, arrival time for streams. */
  tMs: number;
  index: number;
}

export interface ReadVideoOptions {
  fps: number;
  maxWidth: number;
  /** Epoch ms of a file's first frame (default: now). */
  startMs?: number;
  reconnect: { initialDelayMs: number; maxDelayMs: number; maxFailures: number; stallTimeoutMs: number };
  signal?: AbortSignal;
  /**
   * Run the face detector (this model file, e.g. FacePipeline.modelFile('detect')) on the
   * decoder's thread, in parallel with the analysis of earlier frames.
   */
  detectorModel?: string;
  /** How that detector looks at each frame (ingest.detection, per camera); default: the whole frame only. */
  detection?: DetectionConfig;
  /** A stream dropped and is being reopened after `delayMs`. */
  onReconnect?: (attempt: number, delayMs: number, reason: string) => void;
}

/** Whether the source is a network stream (reopened when it drops) rather than a file. */
export function isStreamUrl(source: string): boolean {
  return /^(rtsps?|rtmp|https?|udp|srt):\/\//i.test(source);
}

/**
 * Yields frames until a file ends, or, for a stream, until `signal` aborts. A stream that
 * drops or stalls is reopened after a delay doubling from initialDelayMs to maxDelayMs; after
 * maxFailures consecutive attempts without a single frame it throws, naming the last reason.
 */
export async function* readVideoFrames(source: string, opts: ReadVideoOptions): AsyncGenerator<VideoFrame> {
  const live = isStreamUrl(source);
  const frameMs = 1000 / opts.fps;
  const startMs = opts.startMs ?? Date.now();
  const ffmpegOpts = {
    fps: opts.fps,
    maxWidth: opts.maxWidth,
    viewSize: DETECTOR_INPUT_SIZE,
    live,
    stallTimeoutMs: opts.reconnect.stallTimeoutMs,
    signal: opts.signal,
    detectorModel: opts.detectorModel,
    detection: opts.detection,
    onSkipped: (n: number) => dropsTotal.inc({ reason: 'frame_analysis_behind' }, n),
  };
  let index = 0;
  let failures = 0;
  let delayMs = opts.reconnect.initialDelayMs;
  while (!opts.signal?.aborted) {
    let reason = 'stream ended';
    let gotFrame = false;
    try {
      for await (const { image, view, tileView, detected } of decodeFrames(source, ffmpegOpts)) {
        gotFrame = true;
        yield {
          image,
          detectorView: view,
          tileView,
          detected,
          tMs: live ? Date.now() : Math.round(startMs + index * frameMs),
          index: index++,
        };
      }
      if (!live) {
        if (index === 0) throw new Error(`no video frames in ${source}`);
        return;
      }
    } catch (err) {
      if (!live) throw err;
      reason = (err as Error).message;
    }
    if (opts.signal?.aborted) return;
    if (gotFrame) {
      failures = 0;
      delayMs = opts.reconnect.initialDelayMs;
    }
    failures++;
    if (failures >= opts.reconnect.maxFailures)
      throw new Error(`giving up on ${source} after ${failures} failed attempts: ${reason}`);
    sourceRestartsTotal.inc();
    opts.onReconnect?.(failures, delayMs, reason);
    await sleep(delayMs, undefined, { signal: opts.signal }).catch(() => undefined);
    delayMs = Math.min(opts.reconnect.maxDelayMs, Math.max(1, delayMs * 2));
  }
}
