/**
 * The decoder thread: runs ffmpeg and drains its pipes on a thread of its own. The models run
 * synchronously, and a pipe holds ~200 kB: a thread that also ran a model left ffmpeg blocked
 * for most of every run, and decoding never overlapped the analysis.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { DetectedFaces } from '../face/detect-faces.ts';
import { FrameBufferPool } from './frame-buffer-pool.ts';
import { frameBuffers, spawnFfmpegFrames, type DecodedFrame, type FfmpegFramesOptions } from './spawn-ffmpeg-frames.ts';

export type DecoderSettings = Omit<FfmpegFramesOptions, 'signal' | 'onSkipped' | 'buffers'> & {
  source: string;
  /** Frames handed on and not yet given back. */
  inFlight: number;
  /** Where frames go: the detector thread's port; the parent when absent. */
  output?: MessagePort;
};

export type ToDecoder = { kind: 'release'; buffers: ArrayBuffer[] } | { kind: 'stop' };

/** The frame stream, in order: frames, skip counts, then one 'ended' or 'failed'. */
export type FromDecoder =
  | { kind: 'frame'; frame: DecodedFrame; detected?: DetectedFaces }
  | { kind: 'skipped'; count: number }
  | { kind: 'failed'; message: string }
  | { kind: 'ended' };

const settings = workerData as DecoderSettings;
const control = parentPort!;
const output = settings.output ?? control;
const post = (message: FromDecoder, transfer: ArrayBuffer[] = []) => output.postMessage(message, transfer);
// Two or three buffers per frame (full, view, tile view): those in flight, queued here, and one being filled.
const buffers = new FrameBufferPool((settings.tileScale ? 3 : 2) * (settings.inFlight + 6));
const stop = new AbortController();
let credits = settings.inFlight;
let wake: (() => void) | null = null;
control.on('message', (message: ToDecoder) => {
  if (message.kind === 'stop') stop.abort();
  else {
    for (const buffer of message.buffers) buffers.give(buffer);
    credits++;
  }
  wake?.();
  wake = null;
});

try {
  const { output: _, ...ffmpegSettings } = settings;
  const frames = spawnFfmpegFrames(settings.source, {
    ...ffmpegSettings,
    buffers,
    signal: stop.signal,
    onSkipped: (count) => post({ kind: 'skipped', count }),
  });
  for await (const frame of frames) {
    while (credits === 0 && !stop.signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
    if (stop.signal.aborted) break;
    credits--;
    // Transferred, not copied: the next thread gets the very buffers ffmpeg's bytes were read into.
    post({ kind: 'frame', frame }, frameBuffers(frame) as ArrayBuffer[]);
  }
  post({ kind: 'ended' });
} catch (err) {
  post({ kind: 'failed', message: (err as Error).message });
} finally {
  control.close();
  settings.output?.close();
}
