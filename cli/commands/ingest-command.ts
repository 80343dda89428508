/** `revisit ingest`: a camera's images, video file or stream → observations on Kafka, or into the embedded owner (`revisit serve`), or through a worker of its own. */
import { Command, Option } from 'commander';
import { serveProbes } from '../../analytics-api/probes/serve-probes.ts';
import type { Bus } from '../../common/bus/bus.ts';
import { loadConfig, type RevisitConfig } from '../../common/config.ts';
import type { Readiness } from '../../common/health/check-readiness.ts';
import { checkDeployment, logServiceStart, redactUrl, type DeploymentMode } from '../../runtime/check-deployment.ts';
import { openBus, openRuntime, runtimeReadiness } from '../../runtime/open-runtime.ts';
import { findOwner, ownerBus } from '../../runtime/owner/owner-client.ts';
import {
  CameraHeartbeats,
  FacePipeline,
  ingestImages,
  listImageFiles,
  ObservationPublisher,
  probeVideoDuration,
  recordModelRun,
  resolveSourceKind,
  runCameraVideo,
  type VideoIngestStats,
} from '../../ingest/index.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { messageLimits } from '../../schemas/index.ts';
import { createProgressBar, ratePerSecond } from '../progress-bar.ts';
import { untilSignal } from '../until-signal.ts';

interface IngestOptions {
  site: string;
  camera: string;
  source: string;
  fps?: number;
  liveness?: 'drop' | 'flag' | 'off';
  json?: boolean;
}

/** What one ingest run did, as printed (text or --json); `published` 0 makes the command fail. */
interface IngestOutcome {
  source: string;
  published: number;
  [detail: string]: unknown;
}

export function ingestCommand(): Command {
  return new Command('ingest')
    .description(
      'Find the faces of one camera and publish observations: one per face for images, one per face track for video files and RTSP/HTTP streams (reconnected when they drop; Ctrl-C stops)',
    )
    .requiredOption('--site <id>', 'site the camera belongs to (must be configured)')
    .requiredOption('--camera <id>', 'camera id')
    .requiredOption(
      '--source <path|url>',
      'an image, a folder of images, a video file, or an rtsp:// or http(s):// stream',
    )
    .addOption(
      new Option('--fps <n>', 'frames per second analysed from video (default: config ingest.analysisFps)').argParser(
        positiveNumber,
      ),
    )
    .addOption(
      new Option('--liveness <action>', 'spoof gate action (default: config ingest.liveness.action)').choices([
        'drop',
        'flag',
        'off',
      ]),
    )
    .option('--json', 'print the outcome as one JSON object on stdout')
    .action(async (opts: IngestOptions) => {
      const config = loadConfig({ ingest: { analysisFps: opts.fps, liveness: { action: opts.liveness } } });
      const limits = messageLimits(config);
      if (!limits.isKnownSite(opts.site))
        throw new Error(`unknown site "${opts.site}"; configured: ${config.sites.map((s) => s.id).join(', ')}`);
      const kind = resolveSourceKind(opts.source);
      const files = kind === 'images' ? listImageFiles(opts.source) : [];
      // A camera needs only the models, its source and the bus: no ClickHouse, no Redis, no key.
      const mode = checkDeployment(config, 'revisit ingest', {});
      const target = await openCameraBus(config, mode);
      const probes = await serveProbes(config.metrics, target.readiness);
      logServiceStart(
        'revisit ingest',
        config,
        {},
        { site: opts.site, camera: opts.camera, source: redactUrl(opts.source), via: target.via, probes: probes?.url },
      );
      let outcome: IngestOutcome;
      try {
        const pipeline = await FacePipeline.load({
          onModelRun: recordModelRun,
          liveness: config.ingest.liveness.action !== 'off',
        });
        const publisher = new ObservationPublisher(target.bus, config.topics.observations, limits, config.ingest);
        try {
          if (kind === 'images') outcome = await runImages(pipeline, publisher, opts, files);
          else {
            // A camera vouches for the hours it analysed: reports show the others as no data, not zero.
            const heartbeats = new CameraHeartbeats(target.bus, config.topics.heartbeats, limits, {
              siteId: opts.site,
              cameraId: opts.camera,
              everyMs: config.ingest.heartbeatEveryMs,
            }).start();
            try {
              outcome = await runVideo(pipeline, publisher, opts, config, kind === 'stream', heartbeats);
            } finally {
              await heartbeats.stop();
            }
          }
          await publisher.flush();
          await target.drain();
        } finally {
          await pipeline.close();
        }
      } finally {
        await probes?.close();
        await target.close();
      }
      if (opts.json) console.log(JSON.stringify(outcome));
      // Nothing published is a failure a script must see (a folder of non-images, a video without faces).
      if (outcome.published === 0)
        throw new Error(`nothing ingested from ${opts.source}: no face became an observation`);
    });
}

interface CameraBus {
  bus: Bus;
  /** How observations leave: Kafka, the running owner of the data directory, or a worker in this process. */
  via: 'kafka' | 'embedded owner' | 'this process';
  readiness: Readiness;
  /** Waits until a worker in this process has handled what was published (nothing to wait for elsewhere). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Distributed: Kafka alone. Embedded: the process that owns the data directory (`revisit serve`)
 * when one runs, else this process opens the directory and runs the worker until it is done.
 */
async function openCameraBus(config: RevisitConfig, mode: DeploymentMode): Promise<CameraBus> {
  if (mode === 'distributed') {
    const bus = openBus(config, 'revisit-camera');
    return {
      bus,
      via: 'kafka',
      readiness: { kafka: () => bus.ping() },
      drain: async () => undefined,
      close: () => bus.close(),
    };
  }
  const owner = await findOwner(config);
  if (owner) {
    const bus = ownerBus(owner);
    return {
      bus,
      via: 'embedded owner',
      readiness: { owner: () => bus.ping() },
      drain: async () => undefined,
      close: () => bus.close(),
    };
  }
  const runtime = await openRuntime(config, 'revisit-camera');
  const worker = await startReidWorker(runtime);
  return {
    bus: runtime.bus,
    via: 'this process',
    readiness: runtimeReadiness(runtime),
    drain: () => worker.drain(),
    close: async () => {
      await worker.stop();
      await runtime.close();
    },
  };
}

async function runImages(
  pipeline: FacePipeline,
  publisher: ObservationPublisher,
  opts: IngestOptions,
  files: string[],
): Promise<IngestOutcome> {
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
    if (!opts.json) {
      console.log(
        `${summary.images} images, ${summary.faces} faces, ${summary.observations} observations published, ${summary.skipped.length} skipped`,
      );
      for (const s of summary.skipped) console.log(`  skipped ${s.file}: ${s.reason}`);
    }
    return {
      source: opts.source,
      published: summary.observations,
      images: summary.images,
      faces: summary.faces,
      skipped: summary.skipped,
    };
  } finally {
    bar.stop();
  }
}

async function runVideo(
  pipeline: FacePipeline,
  publisher: ObservationPublisher,
  opts: IngestOptions,
  config: RevisitConfig,
  live: boolean,
  heartbeats: CameraHeartbeats,
): Promise<IngestOutcome> {
  const fps = config.ingest.analysisFps;
  const stop = new AbortController();
  // A stream runs until Ctrl-C; the open tracks are then closed and published, not lost.
  if (live) void untilSignal().then(() => stop.abort());
  const duration = live
    ? null
    : await probeVideoDuration(opts.source).catch((err: Error) => {
        throw new Error(`cannot read ${opts.source} as a video: ${firstLine(err.message)}`);
      });
  const bar = duration
    ? createProgressBar('ingest', 'frames', '{faces} faces | {observations} observations | {faceRate} faces/s')
    : null;
  const started = Date.now();
  bar?.start(Math.max(1, Math.round(duration! * fps)), 0, { faces: 0, observations: 0, faceRate: '0' });
  let stats: VideoIngestStats;
  try {
    stats = await runCameraVideo(pipeline, publisher, {
      siteId: opts.site,
      cameraId: opts.camera,
      source: opts.source,
      config: config.ingest,
      signal: stop.signal,
      heartbeats,
      onReconnect: (attempt, delayMs, reason) => {
        process.stderr.write(`revisit: ${reason}; reconnecting in ${delayMs} ms (attempt ${attempt})\n`);
      },
      onProgress: (s) =>
        bar?.update(s.frames, {
          faces: s.faces,
          observations: s.observations,
          faceRate: ratePerSecond(s.faces, started),
        }),
    });
  } finally {
    bar?.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  const drops = Object.entries(stats.drops).map(([reason, n]) => `${reason} ${n}`);
  const outcome = {
    source: opts.source,
    published: stats.observations,
    frames: stats.frames,
    faces: stats.faces,
    tracks: stats.tracks,
    drops: stats.drops,
  };
  if (opts.json) return outcome;
  console.log(
    `${stats.frames} frames, ${stats.faces} faces, ${stats.tracks} tracks, ${stats.observations} observations and ${stats.unidentified} people seen but not identified published ` +
      `(${(stats.frames / seconds).toFixed(1)} frames/s, ${(stats.faces / seconds).toFixed(1)} faces/s)`,
  );
  if (drops.length > 0) console.log(`  dropped: ${drops.join(', ')}`);
  return outcome;
}

/** ffmpeg's messages run to many lines of build banner: the line that says what went wrong is enough. */
function firstLine(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /error|invalid|no such|not found|denied|refused|unknown/i.test(l)) ?? lines[0] ?? message;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 60)) throw new Error(`--fps must be a number in (0, 60], got "${value}"`);
  return n;
}
