/** Decoded frames from the decoder thread (decode-frames-thread.ts), as an async iterator on the main thread. */
import { once } from 'node:events';
import { startTsWorker } from '../../common/process/start-ts-worker.ts';
import type { DetectedFaces } from '../face/index.ts';
import type { DecoderSettings, FromDecoder, ToDecoder } from './decode-frames-thread.ts';
import { frameBuffers, type DecodedFrame, type FfmpegFramesOptions } from './spawn-ffmpeg-frames.ts';

/** Frames on the main thread at once: the one analysed and the next, ready. */
const IN_FLIGHT = 6;

export type DecodeOptions = Omit<FfmpegFramesOptions, 'buffers'> & Pick<DecoderSettings, 'detectorModel'>;

/**
 * Yields frames as spawnFfmpegFrames does, decoded on another thread (with their faces, given a
 * detector model). A frame's pixels are valid until the next frame is asked for: then its
 * buffers go back to the decoder for reuse.
 */
export async function* decodeFrames(source: string, opts: DecodeOptions): AsyncGenerator<DecodedFrame & { detected?: DetectedFaces }> {
  const { signal, onSkipped, ...rest } = opts;
  const settings: DecoderSettings = { ...rest, source, inFlight: IN_FLIGHT };
  const worker = startTsWorker(new URL('./decode-frames-thread.ts', import.meta.url), settings);
  const send = (message: ToDecoder, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  const exited = once(worker, 'exit');
  const inbox: FromDecoder[] = [];
  let wake: (() => void) | null = null;
  const deliver = (message: FromDecoder) => {
    inbox.push(message);
    wake?.();
    wake = null;
  };
  worker.on('message', (message: FromDecoder) => {
    if (message.kind === 'skipped') onSkipped?.(message.count);
    else deliver(message);
  });
  worker.on('error', (err) => deliver({ kind: 'failed', message: `decoder thread failed: ${err.message}` }));
  worker.on('exit', () => deliver({ kind: 'ended' }));
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
    // The thread kills ffmpeg on its way out; wait for it, so no decoder outlives the source.
    stop();
    await exited;
  }
}
