/** Decodes one video file or stream with an ffmpeg child process into RGB frames at the analysis rate, in memory only. */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { RgbImage } from '../face/index.ts';
import { PpmFrameSplitter } from './split-ppm-frames.ts';

export interface FfmpegFramesOptions {
  /** Frames per second to analyse (ffmpeg's fps filter picks them evenly). */
  fps: number;
  /** Frames wider than this are shrunk (aspect kept). */
  maxWidth: number;
  /**
   * Also deliver every frame shrunk to exactly this size (aspect not kept, area-averaged) — the
   * face detector's input. ffmpeg's SIMD scaler does it in well under a millisecond; the same
   * resample in JavaScript cost ~19 ms per 720p frame, more than the detector itself.
   */
  viewSize?: { width: number; height: number };
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

/** One decoded frame, and the same frame at `viewSize` when asked for. */
export interface DecodedFrame {
  image: RgbImage;
  view?: RgbImage;
}

/** Frames waiting for the reader; beyond it files pause ffmpeg and live sources skip. */
const MAX_QUEUED = 4;
/** Lines of ffmpeg's stderr kept for the error message. */
const STDERR_LINES = 5;

/** One of ffmpeg's frame outputs (full frame on stdout, the view on fd 3) and its frames not yet paired. */
interface Channel {
  stream: Readable;
  splitter: PpmFrameSplitter;
  pending: RgbImage[];
}

/** ffmpeg arguments: the full frame as PPM on stdout and, with a view size, the shrunk frame on fd 3. */
function ffmpegArgs(source: string, opts: FfmpegFramesOptions): string[] {
  const args = ['-loglevel', 'error', '-nostdin', '-i', source];
  const frames = `fps=${opts.fps},scale='min(iw,${opts.maxWidth})':-2`;
  const ppm = ['-f', 'image2pipe', '-c:v', 'ppm'];
  if (!opts.viewSize) return [...args, '-an', '-sn', '-vf', frames, ...ppm, '-pix_fmt', 'rgb24', 'pipe:1'];
  // Converted to RGB before the split, so the view is the area average of the very pixels of
  // the full frame (within 0.5 of the JS resampler), and the full frame is byte-identical to the
  // single-output command.
  const { width, height } = opts.viewSize;
  const graph = `[0:v]${frames},format=rgb24,split=2[full][toview];[toview]scale=${width}:${height}:flags=area[view]`;
  return [...args, '-filter_complex', graph, '-map', '[full]', ...ppm, 'pipe:1', '-map', '[view]', ...ppm, 'pipe:3'];
}

/**
 * Yields decoded frames until the source ends. Throws an Error naming the source and ffmpeg's
 * own reason when ffmpeg fails or the source stalls. Stopping early (break, abort) kills ffmpeg.
 */
export async function* spawnFfmpegFrames(source: string, opts: FfmpegFramesOptions): AsyncGenerator<DecodedFrame> {
  // fd 3 carries the view; unused without one.
  const child = spawn('ffmpeg', ffmpegArgs(source, opts), { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const outputs = [child.stdio[1], ...(opts.viewSize ? [child.stdio[3]] : [])] as Readable[];
  const channels: Channel[] = outputs.map((stream) => ({ stream, splitter: new PpmFrameSplitter(), pending: [] }));
  const queue: DecodedFrame[] = [];
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

  const onData = (channel: Channel, chunk: Buffer) => {
    try {
      channel.pending.push(...channel.splitter.push(chunk));
    } catch (err) {
      return fail(err as Error);
    }
    // ffmpeg writes the outputs frame by frame, so the i-th frames of the channels belong together.
    let paired = 0;
    while (channels.every((c) => c.pending.length > 0)) {
      const [image, view] = channels.map((c) => c.pending.shift()!);
      queue.push({ image, view });
      paired++;
    }
    if (paired > 0) {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => fail(new Error(`${source} stalled: no frame for ${opts.stallTimeoutMs} ms`)), opts.stallTimeoutMs);
    }
    if (queue.length > MAX_QUEUED) {
      if (opts.live) opts.onSkipped?.(queue.splice(0, queue.length - MAX_QUEUED).length);
      else for (const c of channels) c.stream.pause();
    }
    // An output running ahead of the other waits for it (never the one behind: no deadlock).
    if (channel.pending.length > MAX_QUEUED) channel.stream.pause();
    if (paired > 0) notify();
  };
  for (const channel of channels) channel.stream.on('data', (chunk: Buffer) => onData(channel, chunk));
  child.stdio[2]!.on('data', (chunk: Buffer) => {
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
        if (queue.length < MAX_QUEUED) for (const c of channels) if (c.stream.isPaused() && c.pending.length <= MAX_QUEUED) c.stream.resume();
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
