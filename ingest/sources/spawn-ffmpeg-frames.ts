/** Decodes one video file or stream with an ffmpeg child process into RGB frames at the analysis rate, in memory only. */
import { spawn } from 'node:child_process';
import type { RgbImage } from '../face/index.ts';
import { PpmFrameSplitter } from './split-ppm-frames.ts';

export interface FfmpegFramesOptions {
  /** Frames per second to analyse (ffmpeg's fps filter picks them evenly). */
  fps: number;
  /** Frames wider than this are shrunk (aspect kept). */
  maxWidth: number;
  /**
   * Live sources must not be slowed down by analysis: when frames queue up the oldest are
   * skipped (and counted). Files are paced by the reader instead (ffmpeg waits).
   */
  live: boolean;
  /** Give up (and kill ffmpeg) when no frame arrives for this long, first frame included. */
  stallTimeoutMs: number;
  signal?: AbortSignal;
  /** Called with the number of frames skipped because analysis fell behind a live source. */
  onSkipped?: (count: number) => void;
}

/** Frames waiting for the reader; beyond it files pause ffmpeg and live sources skip. */
const MAX_QUEUED = 4;
/** Lines of ffmpeg's stderr kept for the error message. */
const STDERR_LINES = 5;

/**
 * Yields decoded frames until the source ends. Throws an Error naming the source and ffmpeg's
 * own reason when ffmpeg fails or the source stalls. Stopping early (break, abort) kills ffmpeg.
 */
export async function* spawnFfmpegFrames(source: string, opts: FfmpegFramesOptions): AsyncGenerator<RgbImage> {
  const args = ['-loglevel', 'error', '-nostdin'];
  args.push('-i', source, '-an', '-sn', '-vf', `fps=${opts.fps},scale='min(iw,${opts.maxWidth})':-2`, '-f', 'image2pipe', '-c:v', 'ppm', '-pix_fmt', 'rgb24', 'pipe:1');
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const splitter = new PpmFrameSplitter();
  const queue: RgbImage[] = [];
  let stderr = '';
  let failure: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const fail = (err: Error) => {
    failure ??= err;
    child.kill('SIGKILL');
    notify();
  };
  let stallTimer = setTimeout(() => fail(new Error(`no frame from ${source} within ${opts.stallTimeoutMs} ms`)), opts.stallTimeoutMs);
  const onAbort = () => {
    ended = true;
    child.kill('SIGKILL');
    notify();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  child.stdout.on('data', (chunk: Buffer) => {
    let frames: RgbImage[];
    try {
      frames = splitter.push(chunk);
    } catch (err) {
      return fail(err as Error);
    }
    if (frames.length === 0) return;
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => fail(new Error(`${source} stalled: no frame for ${opts.stallTimeoutMs} ms`)), opts.stallTimeoutMs);
    queue.push(...frames);
    if (queue.length > MAX_QUEUED) {
      if (opts.live) opts.onSkipped?.(queue.splice(0, queue.length - MAX_QUEUED).length);
      else child.stdout.pause();
    }
    notify();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).split('\n').slice(-STDERR_LINES - 1).join('\n');
  });
  child.on('error', (err) => fail(new Error(`cannot start ffmpeg: ${err.message}`)));
  child.on('close', (code, signal) => {
    clearTimeout(stallTimer);
    if (code !== 0 && !failure && !ended) {
      const reason = stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${code ?? signal}`;
      failure = new Error(`ffmpeg cannot read ${source}: ${reason}`);
    }
    ended = true;
    notify();
  });

  try {
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift()!;
        if (queue.length < MAX_QUEUED && child.stdout.isPaused()) child.stdout.resume();
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    clearTimeout(stallTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
