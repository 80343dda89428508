/**
 * The decoder thread: runs ffmpeg and drains its pipes on a thread of its own, and, when asked,
 * the face detector on every frame. The models run synchronously, and a pipe holds ~200 kB: read
 * from the main thread, ffmpeg sat blocked for most of every model run, and decoding never
 * overlapped the analysis. The detector needs nothing but the frame, so it runs here, a pipeline
 * stage of its own: with ffmpeg, this thread and the main thread, both cores stay busy.
 */
import { parentPort, workerData } from 'node:worker_threads';
// The detector's own files, not face/index.ts: this thread needs no image decoder (sharp).
import { detectFaces, type DetectedFaces } from '../face/detect-faces.ts';
import { createSession, timeRuns } from '../face/onnx-session.ts';
import { FrameBufferPool } from './frame-buffer-pool.ts';
import { frameBuffers, spawnFfmpegFrames, type DecodedFrame, type FfmpegFramesOptions } from './spawn-ffmpeg-frames.ts';

export type DecoderSettings = Omit<FfmpegFramesOptions, 'signal' | 'onSkipped' | 'buffers'> & {
  source: string;
  /** Frames handed to the main thread and not yet given back. */
  inFlight: number;
  /** The face detector's model file: run it here and send each frame's faces along. */
  detectorModel?: string;
};

export type ToDecoder = { kind: 'release'; buffers: ArrayBuffer[] } | { kind: 'stop' };

export type FromDecoder = { kind: 'frame'; frame: DecodedFrame; detected?: DetectedFaces } | { kind: 'skipped'; count: number } | { kind: 'failed'; message: string } | { kind: 'ended' };

const settings = workerData as DecoderSettings;
const port = parentPort!;
const post = (message: FromDecoder, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
// Two buffers per frame (full and view): those in flight, queued here, and one being filled.
const buffers = new FrameBufferPool(2 * (settings.inFlight + 6));
const stop = new AbortController();
let credits = settings.inFlight;
let wake: (() => void) | null = null;
port.on('message', (message: ToDecoder) => {
  if (message.kind === 'stop') stop.abort();
  else {
    for (const buffer of message.buffers) buffers.give(buffer);
    credits++;
  }
  wake?.();
  wake = null;
});

try {
  let seconds = 0;
  const detector = settings.detectorModel ? timeRuns(await createSession(settings.detectorModel), (s) => (seconds = s)) : null;
  const frames = spawnFfmpegFrames(settings.source, { ...settings, buffers, signal: stop.signal, onSkipped: (count) => post({ kind: 'skipped', count }) });
  for await (const frame of frames) {
    while (credits === 0 && !stop.signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
    if (stop.signal.aborted) break;
    credits--;
    const detected = detector ? { faces: await detectFaces(detector, frame.image, { detectorView: frame.view }), seconds } : undefined;
    // Transferred, not copied: the main thread gets the very buffers ffmpeg's bytes were read into.
    post({ kind: 'frame', frame, detected }, frameBuffers(frame) as ArrayBuffer[]);
  }
  post({ kind: 'ended' });
} catch (err) {
  post({ kind: 'failed', message: (err as Error).message });
} finally {
  port.close();
}
