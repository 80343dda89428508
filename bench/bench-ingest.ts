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
  return { wall, cpu: cpuSince(cpu).total };
}

/**
 * CPU seconds of this process (all its threads) and of its finished children (the ffmpeg
 * decoder), from /proc/self/stat's utime + stime and cutime + cstime: "per core" must count the
 * decoder too.
 */
function cpuSeconds(): { self: number; children: number } {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // Fields 14–17 of proc(5), counted from the state field (3).
  const sum = (from: number) => (Number(fields[from]) + Number(fields[from + 1])) / 100;
  return { self: sum(11), children: sum(13) };
}

function cpuSince(start: { self: number; children: number }): { self: number; children: number; total: number } {
  const now = cpuSeconds();
  const self = now.self - start.self;
  const children = now.children - start.children;
  return { self, children, total: self + children };
}

/**
 * Six people walking past one by one, two together, and two of the sample package's group
 * photos (multi-face frames); three times over, so that a pass is long enough for start-up
 * (decoder thread, ffmpeg, first keyframe: ~0.5 s) to weigh as little as it does on a camera.
 */
async function benchSegments(): Promise<VideoSegment[]> {
  const people = ['9336923', '9338535', 'anpage', 'asamma', 'asewil', 'astefa'];
  const gap: VideoSegment = { images: [], seconds: 1, motion: 'empty' };
  const photos = people.map((p) => personImages('faces94_subset', p));
  const groups = (await fetchDemoPhotos()).slice(0, 2);
  const scene: VideoSegment[] = [
    ...photos.flatMap((p): VideoSegment[] => [{ images: [p[0]], seconds: 3, motion: 'pan' }, gap]),
    { images: [photos[0][4], photos[1][4]], seconds: 3, motion: 'pan' },
    gap,
    ...groups.flatMap((g): VideoSegment[] => [{ images: [g], seconds: 3, motion: 'pan' }, gap]),
  ];
  return [...scene, ...scene, ...scene];
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
    const ingest = () =>
      ingestVideo(pipeline, new ObservationPublisher(bus, 'bench', limits), {
        siteId: 'bench',
        cameraId: 'cam',
        config,
        frames: readVideoFrames(video, { fps, maxWidth: config.maxFrameSide, reconnect: config.reconnect, detectorModel: pipeline.modelFile('detect') }),
      });
    // A camera worker runs for days: one untimed pass first, so that start-up (threads, model
    // sessions, JIT) is not counted against a 34-second video. The raw runs get a warm-up too.
    await ingest();
    for (const c of Object.values(calls)) Object.assign(c, { n: 0, s: 0 });
    const cpuStart = cpuSeconds();
    let stats!: Awaited<ReturnType<typeof ingest>>;
    // The pipeline: frames in from ffmpeg (spawned here, decoding on the other core) to observations out.
    const wall = await timeIt(async () => {
      stats = await ingest();
    });
    const cpu = cpuSince(cpuStart);
    await pipeline.close();
    await bus.close();

    // Raw: the same number of runs of each model the pipeline made, back to back, one thread.
    const models: Row[] = [];
    let rawWall = 0;
    let rawCpu = 0;
    for (const role of ['detect', 'landmark', 'feature', 'liveness'] as ModelRole[]) {
      const c = calls[role] ?? { n: 0, s: 0 };
      const raw = await rawRuns(role, Math.max(c.n, MIN_RAW_RUNS), 1);
      const perRun = raw.wall / Math.max(c.n, MIN_RAW_RUNS);
      rawWall += c.n * perRun;
      rawCpu += (c.n * raw.cpu) / Math.max(c.n, MIN_RAW_RUNS);
      models.push({ model: `${role}${role === 'detect' ? ' (on the decoder thread)' : ''}`, 'runs in pipeline': c.n, 'ms/run in pipeline': c.n ? (1000 * c.s) / c.n : 0, 'ms/run alone': 1000 * perRun });
    }
    const twoThreads = await rawRuns('feature', MIN_RAW_RUNS, 2);
    models.push({ model: 'feature, 2 intra-op threads', 'ms/run alone': (1000 * twoThreads.wall) / MIN_RAW_RUNS });
    printTable('Camera worker models: 1 inference thread each, batch 1 (the models are fixed-batch, see stack-notes); "in pipeline" includes waiting for the event loop', models);

    const { frames, faces } = stats;
    const perFrame = (seconds: number) => (1000 * seconds) / frames;
    printTable(`Camera worker on a generated video: ${frames} frames (${seconds} s at ${fps} fps, 1280×720, 25 fps H.264), ${faces} faces → ${stats.observations} observations, after one untimed warm-up pass`, [
      { stage: 'full pipeline', 'frames/s': frames / wall, 'faces/s': faces / wall, 'frames/s per core': frames / cpu.total, 'faces/s per core': faces / cpu.total, 'CPU ms/frame': perFrame(cpu.total) },
      { stage: '  of which ffmpeg (decode, detector view)', 'CPU ms/frame': perFrame(cpu.children) },
      { stage: '  of which Node (analysis, decoder thread)', 'CPU ms/frame': perFrame(cpu.self) },
      { stage: 'raw models: the same runs back to back', 'frames/s': frames / rawWall, 'faces/s': faces / rawWall, 'frames/s per core': frames / rawCpu, 'faces/s per core': faces / rawCpu, 'CPU ms/frame': perFrame(rawCpu) },
      { stage: 'pipeline / raw model throughput, wall clock (target ≥ 0.85)', ratio: rawWall / wall },
      { stage: 'pipeline / raw model throughput, per core (decoding included)', ratio: rawCpu / cpu.total },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
