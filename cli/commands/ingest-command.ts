/** `revisit ingest`: a camera's images, video file or stream → observations on the bus (embedded mode: and through the worker). */
import { Command, Option } from 'commander';
import { loadConfig, type RevisitConfig } from '../../common/config.ts';
import { openRuntime } from '../../runtime/open-runtime.ts';
import {
  FacePipeline,
  ingestImages,
  ingestVideo,
  listImageFiles,
  ObservationPublisher,
  probeVideoDuration,
  readVideoFrames,
  recordModelRun,
  resolveSourceKind,
  type VideoIngestStats,
} from '../../ingest/index.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { cameraDetection, messageLimits } from '../../schemas/index.ts';
import { createProgressBar, ratePerSecond } from '../progress-bar.ts';
import { untilSignal } from '../until-signal.ts';

interface IngestOptions {
  site: string;
  camera: string;
  source: string;
  fps?: number;
  liveness?: 'drop' | 'flag' | 'off';
}

export function ingestCommand(): Command {
  return new Command('ingest')
    .description(
      'Find the faces of one camera and publish observations: one per face for images, one per face track for video files and RTSP/HTTP streams (reconnected when they drop; Ctrl-C stops)',
    )
    .requiredOption('--site <id>', 'site the camera belongs to (must be configured)')
    .requiredOption('--camera <id>', 'camera id')
    .requiredOption('--source <path|url>', 'an image, a folder of images, a video file, or an rtsp:// or http(s):// stream')
    .addOption(new Option('--fps <n>', 'frames per second analysed from video (default: config ingest.analysisFps)').argParser(positiveNumber))
    .addOption(new Option('--liveness <action>', 'spoof gate action (default: config ingest.liveness.action)').choices(['drop', 'flag', 'off']))
    .action(async (opts: IngestOptions) => {
      const config = loadConfig({ ingest: { analysisFps: opts.fps, liveness: { action: opts.liveness } } });
      const limits = messageLimits(config);
      if (!limits.isKnownSite(opts.site)) throw new Error(`unknown site "${opts.site}"; configured: ${config.sites.map((s) => s.id).join(', ')}`);
      const kind = resolveSourceKind(opts.source);
      const files = kind === 'images' ? listImageFiles(opts.source) : [];
      const runtime = await openRuntime(config);
      // Embedded mode has no separate worker process: run it here.
      const worker = config.kafka ? null : await startReidWorker(runtime);
      const pipeline = await FacePipeline.load({ onModelRun: recordModelRun, liveness: config.ingest.liveness.action !== 'off' });
      const publisher = new ObservationPublisher(runtime.bus, config.topics.observations, limits, config.ingest);
      try {
        if (kind === 'images') await runImages(pipeline, publisher, opts, files);
        else await runVideo(pipeline, publisher, opts, config, kind === 'stream');
        await publisher.flush();
        await worker?.drain();
      } finally {
        await worker?.stop();
        await pipeline.close();
        await runtime.close();
      }
    });
}

async function runImages(pipeline: FacePipeline, publisher: ObservationPublisher, opts: IngestOptions, files: string[]): Promise<void> {
  const bar = createProgressBar('ingest', 'images');
  const started = Date.now();
  bar.start(files.length, 0, { faces: 0, rate: '0' });
  try {
    const summary = await ingestImages(pipeline, publisher, {
      siteId: opts.site,
      cameraId: opts.camera,
      files,
      onProgress: (done, faces) => bar.update(done, { faces, rate: ratePerSecond(done, started) }),
    });
    bar.stop();
    console.log(`${summary.images} images, ${summary.faces} faces, ${summary.observations} observations published, ${summary.skipped.length} skipped`);
    for (const s of summary.skipped) console.log(`  skipped ${s.file}: ${s.reason}`);
  } finally {
    bar.stop();
  }
}

async function runVideo(pipeline: FacePipeline, publisher: ObservationPublisher, opts: IngestOptions, config: RevisitConfig, live: boolean): Promise<void> {
  const { analysisFps: fps, maxFrameSide, reconnect } = config.ingest;
  const stop = new AbortController();
  // A stream runs until Ctrl-C; the open tracks are then closed and published, not lost.
  if (live) void untilSignal().then(() => stop.abort());
  const duration = live ? null : await probeVideoDuration(opts.source);
  const bar = duration ? createProgressBar('ingest', 'frames', '{faces} faces | {observations} observations | {faceRate} faces/s') : null;
  const started = Date.now();
  bar?.start(Math.max(1, Math.round(duration! * fps)), 0, { faces: 0, observations: 0, faceRate: '0' });
  let stats: VideoIngestStats;
  const shotModels = pipeline.startShotModelsThread();
  try {
    stats = await ingestVideo(pipeline, publisher, {
      siteId: opts.site,
      cameraId: opts.camera,
      config: config.ingest,
      frames: readVideoFrames(opts.source, {
        fps,
        maxWidth: maxFrameSide,
        reconnect,
        signal: stop.signal,
        detectorModel: pipeline.modelFile('detect'),
        detection: cameraDetection(config.ingest, opts.camera),
        onReconnect: (attempt, delayMs, reason) => {
          process.stderr.write(`revisit: ${reason}; reconnecting in ${delayMs} ms (attempt ${attempt})\n`);
        },
      }),
      shotModels,
      onProgress: (s) => bar?.update(s.frames, { faces: s.faces, observations: s.observations, faceRate: ratePerSecond(s.faces, started) }),
    });
  } finally {
    bar?.stop();
    await shotModels.close();
  }
  const seconds = (Date.now() - started) / 1000;
  const drops = Object.entries(stats.drops).map(([reason, n]) => `${reason} ${n}`);
  console.log(
    `${stats.frames} frames, ${stats.faces} faces, ${stats.tracks} tracks, ${stats.observations} observations and ${stats.unidentified} people seen but not identified published ` +
      `(${(stats.frames / seconds).toFixed(1)} frames/s, ${(stats.faces / seconds).toFixed(1)} faces/s)`,
  );
  if (drops.length > 0) console.log(`  dropped: ${drops.join(', ')}`);
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 60)) throw new Error(`--fps must be a number in (0, 60], got "${value}"`);
  return n;
}
