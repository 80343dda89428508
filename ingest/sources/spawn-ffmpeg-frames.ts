/** Decodes one video file or stream with an ffmpeg child process into frames at the analysis rate, in memory only. */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { RgbImage, Yuv420Image } from '../face/index.ts';
import type { FrameBufferPool } from './frame-buffer-pool.ts';
import { ppmFrames, y4mFrames } from './frame-formats.ts';
import { FrameStreamSplitter } from './split-frame-stream.ts';

export interface FfmpegFramesOptions {
  /** Frames per second to analyse (ffmpeg's fps filter picks them evenly). */
  fps: number;
  /** Frames wider than this are shrunk (aspect kept). */
  maxWidth: number;
  /**
   * Every frame also comes shrunk to exactly this size (aspect not kept, area-averaged, RGB) — the
   * face detector's input. ffmpeg's SIMD scaler does it in well under a millisecond; the same
   * resample in JavaScript cost ~19 ms per 720p frame, more than the detector itself.
   */
  viewSize: { width: number; height: number };
  /**
   * Given, every frame also comes shrunk by this factor (aspect kept, area-averaged, RGB): the
   * detector's tile view, cut into tiles of its input size (see TiledFaceDetector).
   */
  tileScale?: number;
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
  /** Where frame buffers come from; the caller gives them back once done with a frame. */
  buffers: FrameBufferPool;
}

/** One decoded frame, the same frame at `viewSize`, and at `tileScale` when asked for. */
export interface DecodedFrame {
  image: Yuv420Image;
  view: RgbImage;
  tileView?: RgbImage;
}

/** The buffers a decoded frame lives in, to give back to the pool. */
export function frameBuffers(frame: DecodedFrame): ArrayBufferLike[] {
  const buffers = [frame.image.y.buffer, frame.view.data.buffer];
  if (frame.tileView) buffers.push(frame.tileView.data.buffer);
  return buffers;
}

/** Frames waiting for the reader; beyond it files pause ffmpeg and live sources skip. */
const MAX_QUEUED = 4;
/** Lines of ffmpeg's stderr kept for the error message. */
const STDERR_LINES = 5;

/** One of ffmpeg's frame outputs (full frame on stdout, the view on fd 3, the tile view on fd 4) and its frames not yet paired. */
interface Channel<T> {
  stream: Readable;
  splitter: FrameStreamSplitter<T>;
  pending: T[];
}

/**
 * At analysis rates up to this, the decoder skips disposable frames (no other frame refers to
 * them: typically B-frames, up to two in three): the fps filter still finds a frame within
 * ~1/8 s of every analysis instant at 25 fps, and decoding costs a third less.
 */
const SKIP_DISPOSABLE_BELOW_FPS = 8;

/**
 * ffmpeg arguments: the full frame as YUV4MPEG2 on stdout — the decoder's own planes, as no RGB
 * conversion of the whole frame is needed when only face crops are read (that conversion was a
 * third of ffmpeg's time) — the detector view as RGB PPM on fd 3 and, with a tile scale, the tile
 * view on fd 4 (ffmpeg's SIMD area scaler: cheaper than cutting tiles from the YUV planes in JS).
 * One decoding thread: the frame-threaded decoder's extra threads only compete with the analysis
 * for the same cores.
 */
function ffmpegArgs(source: string, opts: FfmpegFramesOptions): string[] {
  const { width, height } = opts.viewSize;
  const s = opts.tileScale;
  const outputs = s ? '[full][toview][totiles]' : '[full][toview]';
  const tiles = s
    ? `;[totiles]scale='max(1,trunc(iw/${s}))':'max(1,trunc(ih/${s}))':flags=area,format=rgb24[tiles]`
    : '';
  const graph = `[0:v]fps=${opts.fps},scale='min(iw,${opts.maxWidth})':-2,format=yuv420p,split=${s ? 3 : 2}${outputs};[toview]scale=${width}:${height}:flags=area,format=rgb24[view]${tiles}`;
  const skip = opts.fps <= SKIP_DISPOSABLE_BELOW_FPS ? ['-skip_frame', 'noref'] : [];
  return [
    ...[
      '-loglevel',
      'error',
      '-nostdin',
      '-threads',
      '1',
      ...skip,
      '-i',
      source,
      '-an',
      '-sn',
      '-filter_complex',
      graph,
    ],
    ...[
      '-map',
      '[full]',
      '-f',
      'yuv4mpegpipe',
      'pipe:1',
      '-map',
      '[view]',
      '-f',
      'image2pipe',
      '-c:v',
      'ppm',
      'pipe:3',
    ],
    ...(s ? ['-map', '[tiles]', '-f', 'image2pipe', '-c:v', 'ppm', 'pipe:4'] : []),
  ];
}

/**
 * Yields decoded frames until the source ends. Throws an Error naming the source and ffmpeg's
 * own reason when ffmpeg fails or the source stalls. Stopping early (break, abort) kills ffmpeg.
 */
export async function* spawnFfmpegFrames(source: string, opts: FfmpegFramesOptions): AsyncGenerator<DecodedFrame> {
  const stdio = opts.tileScale ? ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe', 'pipe'];
  const child = spawn('ffmpeg', ffmpegArgs(source, opts), { stdio: stdio as Array<'ignore' | 'pipe'> });
  const take = (bytes: number) => opts.buffers.take(bytes);
  const full: Channel<Yuv420Image> = {
    stream: child.stdio[1] as Readable,
    splitter: new FrameStreamSplitter(y4mFrames(), take),
    pending: [],
  };
  const view: Channel<RgbImage> = {
    stream: child.stdio[3] as Readable,
    splitter: new FrameStreamSplitter(ppmFrames(), take),
    pending: [],
  };
  const tiles: Channel<RgbImage> | null = opts.tileScale
    ? { stream: child.stdio[4] as Readable, splitter: new FrameStreamSplitter(ppmFrames(), take), pending: [] }
    : null;
  const channels: Array<Channel<Yuv420Image> | Channel<RgbImage>> = tiles ? [full, view, tiles] : [full, view];
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
  let stallTimer = setTimeout(
    () => fail(new Error(`no frame from ${source} within ${opts.stallTimeoutMs} ms`)),
    opts.stallTimeoutMs,
  );
  const armStall = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(
      () => fail(new Error(`${source} stalled: no frame for ${opts.stallTimeoutMs} ms`)),
      opts.stallTimeoutMs,
    );
  };
  const onAbort = () => {
    ended = true;
    child.kill('SIGKILL');
    notify();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const onData = <T>(channel: Channel<T>, chunk: Buffer) => {
    try {
      channel.pending.push(...channel.splitter.push(chunk));
    } catch (err) {
      return fail(err as Error);
    }
    // ffmpeg writes the outputs frame by frame, so the i-th frames of the channels belong together.
    let paired = 0;
    while (channels.every((c) => c.pending.length > 0)) {
      queue.push({
        image: full.pending.shift()!,
        view: view.pending.shift()!,
        ...(tiles ? { tileView: tiles.pending.shift()! } : {}),
      });
      paired++;
    }
    if (paired > 0) armStall();
    if (queue.length > MAX_QUEUED) {
      if (opts.live) {
        const skipped = queue.splice(0, queue.length - MAX_QUEUED);
        for (const frame of skipped) frameBuffers(frame).forEach((b) => opts.buffers.give(b));
        opts.onSkipped?.(skipped.length);
      } else {
        for (const c of channels) c.stream.pause();
        // ffmpeg waits for us now: a slow reader is not a stalled file.
        clearTimeout(stallTimer);
      }
    }
    // An output running ahead of the other waits for it (never the one behind: no deadlock).
    if (channel.pending.length > MAX_QUEUED) channel.stream.pause();
    if (paired > 0) notify();
  };
  for (const channel of channels)
    channel.stream.on('data', (chunk: Buffer) => onData(channel as Channel<unknown>, chunk));
  child.stdio[2]!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8'))
      .split('\n')
      .slice(-STDERR_LINES - 1)
      .join('\n');
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
        if (queue.length < MAX_QUEUED && channels.some((c) => c.stream.isPaused())) {
          for (const c of channels) if (c.stream.isPaused() && c.pending.length <= MAX_QUEUED) c.stream.resume();
          armStall();
        }
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
