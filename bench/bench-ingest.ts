/** Camera-worker throughput on a real video with faces: the full pipeline against raw per-model inference measured in the same run. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchDemoPhotos } from '../cli/demo/fetch-demo-photos.ts';
import { createMemoryBus } from '../common/bus/index.ts';
import { FacePipeline, ingestVideo, ObservationPublisher, readVideoFrames } from '../ingest/index.ts';
import { createSession, Tensor } from '../ingest/face/onnx-session.ts';
import { modelPath, type ModelRole } from '../models/index.ts';
import { ingestConfigSchema } from '../schemas/index.ts';
import { personImages } from '../test/harness/faces-dir.ts';
import { makeFaceVideo, type VideoSegment } from '../test/fixtures/make-face-video.ts';
import { printTable, timeIt, type Row } from './print-table.ts';

const INPUT_SHAPES: Record<ModelRole, number[]> = {
  detect: [1, 3, 240, 320],
  landmark: [1, 1, 64, 64],
  feature: [1, 3, 112, 112],
  liveness: [1, 3, 128, 128],
};
/** Fewest back-to-back runs timed per model, so a model the pipeline ran rarely is still timed stably. */
const MIN_RAW_RUNS = 20;

/** Wall and CPU seconds of `runs` back-to-back runs of one model on a prepared input, after a warm-up. */
async function rawRuns(role: ModelRole, runs: number, threads: number): Promise<{ wall: number; cpu: number }> {
  const session = await createSession(modelPath(role), threads);
  const shape = INPUT_SHAPES[role];
  const input = new Tensor('float32', Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => Math.random()), shape);
  for (let i = 0; i < 5; i++) await session.run({ input });
  const cpu = cpuSeconds();
  const wall = await timeIt(async () => {
    for (let i = 0; i < runs; i++) await session.run({ input });
  });
  await session.release();
  return { wall, cpu: cpuSeconds() - cpu };
}

/**
 * CPU seconds of this process and of its finished children (the ffmpeg decoder), from
 * /proc/self/stat's utime, stime, cutime and cstime: "per core" must count the decoder too.
 */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // Fields 14–17 of proc(5), counted from the state field (3).
  return fields.slice(11, 15).reduce((s, f) => s + Number(f), 0) / 100;
}

/** Six people walking past one by one, two together, and two of the sample package's group photos (multi-face frames). */
async function benchSegments(): Promise<VideoSegment[]> {
  const people = ['9336923', '9338535', 'anpage', 'asamma', 'asewil', 'astefa'];
  const gap: VideoSegment = { images: [], seconds: 1, motion: 'empty' };
  const photos = people.map((p) => personImages('faces94_subset', p));
  const groups = (await fetchDemoPhotos()).slice(0, 2);
  return [
    ...photos.flatMap((p): VideoSegment[] => [{ images: [p[0]], seconds: 3, motion: 'pan' }, gap]),
    { images: [photos[0][4], photos[1][4]], seconds: 3, motion: 'pan' },
    gap,
    ...groups.map((g): VideoSegment => ({ images: [g], seconds: 3, motion: 'pan' })),
  ];
}

export async function benchIngest(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-bench-ingest-'));
  try {
    const video = join(dir, 'bench.mp4');
    const seconds = await makeFaceVideo(video, await benchSegments(), { width: 1280, height: 720, photoHeight: 440 });
    const config = ingestConfigSchema.parse({});
    const fps = config.analysisFps;

    const calls: Record<string, { n: number; s: number }> = {};
    const pipeline = await FacePipeline.load({
      liveness: true,
      onModelRun: (role, s) => {
        const c = (calls[role] ??= { n: 0, s: 0 });
        c.n++;
        c.s += s;
      },
    });
    const bus = createMemoryBus();
    const limits = { embeddingDim: 512, maxMessageBytes: 65_536, isKnownSite: () => true };
    const cpuStart = cpuSeconds();
    let stats!: Awaited<ReturnType<typeof ingestVideo>>;
    // The pipeline: frames in from ffmpeg (spawned here, decoding on the other core) to observations out.
    const wall = await timeIt(async () => {
      stats = await ingestVideo(pipeline, new ObservationPublisher(bus, 'bench', limits), {
        siteId: 'bench',
        cameraId: 'cam',
        config,
        frames: readVideoFrames(video, { fps, maxWidth: config.maxFrameSide, reconnect: config.reconnect }),
      });
    });
    const pipelineCpu = cpuSeconds() - cpuStart;
    await pipeline.close();
    await bus.close();

    // Raw: the same number of runs of each model the pipeline made, back to back, one thread.
    const rows: Row[] = [];
    let rawWall = 0;
    let rawCpu = 0;
    let modelInPipeline = 0;
    for (const role of ['detect', 'landmark', 'feature', 'liveness'] as ModelRole[]) {
      const c = calls[role] ?? { n: 0, s: 0 };
      const raw = await rawRuns(role, Math.max(c.n, MIN_RAW_RUNS), 1);
      const perRun = raw.wall / Math.max(c.n, MIN_RAW_RUNS);
      rawWall += c.n * perRun;
      rawCpu += (c.n * raw.cpu) / Math.max(c.n, MIN_RAW_RUNS);
      modelInPipeline += c.s;
      rows.push({ stage: `${role} model alone, 1 thread`, 'runs/s': 1 / perRun, 'runs in pipeline': c.n, 'ms/run in pipeline': c.n ? (1000 * c.s) / c.n : 0, 'ms/run alone': 1000 * perRun });
    }
    const twoThreads = await rawRuns('feature', MIN_RAW_RUNS, 2);
    rows.push({ stage: 'feature model alone, 2 intra-op threads', 'runs/s': MIN_RAW_RUNS / twoThreads.wall, 'ms/run alone': (1000 * twoThreads.wall) / MIN_RAW_RUNS });
    const { frames, faces } = stats;
    rows.push({
      stage: `full pipeline: ${frames} frames (${seconds} s at ${fps} fps, 1280×720), ${faces} faces → ${stats.observations} observations`,
      'frames/s': frames / wall,
      'faces/s': faces / wall,
      'frames/s per core': frames / pipelineCpu,
      'faces/s per core': faces / pipelineCpu,
    });
    rows.push({ stage: 'raw models: the same runs back to back', 'frames/s': frames / rawWall, 'faces/s': faces / rawWall, 'frames/s per core': frames / rawCpu, 'faces/s per core': faces / rawCpu });
    rows.push({ stage: `pipeline time outside model runs (JS crops, frame intake, tracking): ${(1000 * (wall - modelInPipeline) / frames).toFixed(1)} ms/frame`, ratio: (wall - modelInPipeline) / wall });
    rows.push({ stage: 'pipeline / raw model throughput (target ≥ 0.85)', ratio: rawWall / wall });
    printTable('Camera worker on a generated video (ffmpeg decodes in its own process and shrinks the detector view; per core counts Node and ffmpeg CPU; 1 inference thread; batch 1: the models are fixed-batch, see stack-notes)', rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
