/**
 * Decoded frames as an async iterator on the main thread, from the decoder thread
 * (decode-frames-thread.ts) and, given a detector model, through the detector thread
 * (detect-faces-thread.ts), which adds each frame's faces.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { startTsWorker } from '../../common/process/start-ts-worker.ts';
import type { DetectedFaces } from '../face/index.ts';
import type { DecoderSettings, FromDecoder, ToDecoder } from './decode-frames-thread.ts';
import type { DetectorSettings } from './detect-faces-thread.ts';
import { frameBuffers, type DecodedFrame, type FfmpegFramesOptions } from './spawn-ffmpeg-frames.ts';

/**
 * Frames between the decoder and the analysis: enough to ride out the analysis' bursts (a
 * track's end runs liveness and embedding on its best shots) without ~1.6 MB each adding up.
 */
const IN_FLIGHT = 6;
/** How long the threads get to wind down before they are terminated. */
const STOP_GRACE_MS = 5000;
/** The detector's view when none is asked for: the whole frame only. */
const WHOLE_FRAME = { mode: 'full', tileScale: 1, minCellChange: 4, refreshFrames: 1 } as const;

export type DecodeOptions = Omit<FfmpegFramesOptions, 'buffers' | 'tileScale'> & {
  /** Run this face detector model on every frame, on a thread of its own. */
  detectorModel?: string;
  /** How that detector looks at the frames (default: the whole frame only). */
  detection?: DetectorSettings['detection'] & { tileScale: number };
};

/**
 * Yields frames as spawnFfmpegFrames does, decoded on another thread (with their faces, given a
 * detector model). A frame's pixels are valid until the next frame is asked for: then its
 * buffers go back to the decoder for reuse.
 */
export async function* decodeFrames(
  source: string,
  opts: DecodeOptions,
): AsyncGenerator<DecodedFrame & { detected?: DetectedFaces }> {
  const { signal, onSkipped, detectorModel, detection = WHOLE_FRAME, ...ffmpeg } = opts;
  const thread = (file: string) => new URL(file, import.meta.url);
  const channel = detectorModel ? new MessageChannel() : null;
  // The tile view only when a detector will cut it into tiles.
  const tileScale = detectorModel && detection.mode !== 'full' ? detection.tileScale : undefined;
  const decoderSettings: DecoderSettings = {
    ...ffmpeg,
    tileScale,
    source,
    inFlight: IN_FLIGHT,
    output: channel?.port1,
  };
  const decoder = startTsWorker(thread('./decode-frames-thread.ts'), decoderSettings, channel ? [channel.port1] : []);
  const detectorSettings = (port: MessagePort, modelFile: string): DetectorSettings => ({
    input: port,
    modelFile,
    detection,
  });
  const detector =
    channel && detectorModel
      ? startTsWorker(thread('./detect-faces-thread.ts'), detectorSettings(channel.port2, detectorModel), [
          channel.port2,
        ])
      : null;
  const workers = detector ? [decoder, detector] : [decoder];
  const exited = Promise.all(workers.map((w) => once(w, 'exit')));
  const send = (message: ToDecoder, transfer: ArrayBuffer[] = []) => decoder.postMessage(message, transfer);
  const inbox: FromDecoder[] = [];
  let wake: (() => void) | null = null;
  const deliver = (message: FromDecoder) => {
    inbox.push(message);
    wake?.();
    wake = null;
  };
  const frames = detector ?? decoder;
  frames.on('message', (message: FromDecoder) => {
    if (message.kind === 'skipped') onSkipped?.(message.count);
    else deliver(message);
  });
  frames.on('exit', () => deliver({ kind: 'ended' }));
  decoder.on('error', (err) => deliver({ kind: 'failed', message: `decoder thread failed: ${err.message}` }));
  detector?.on('error', (err) => deliver({ kind: 'failed', message: `face detector thread failed: ${err.message}` }));
  const stop = () => send({ kind: 'stop' });
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const message = inbox.shift();
      if (!message) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (message.kind === 'ended') return;
      if (message.kind === 'failed') throw new Error(message.message);
      if (message.kind !== 'frame') continue;
      yield { ...message.frame, detected: message.detected };
      const buffers = frameBuffers(message.frame) as ArrayBuffer[];
      send({ kind: 'release', buffers }, buffers);
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    // The decoder kills ffmpeg on its way out and its 'ended' lets the detector go: wait for
    // both, so no decoder outlives the source.
    stop();
    const grace = sleep(STOP_GRACE_MS, 'late' as const, { ref: false });
    if ((await Promise.race([exited, grace])) === 'late') await Promise.all(workers.map((w) => w.terminate()));
  }
}
