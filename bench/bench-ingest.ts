/** Camera-worker throughput on a real video with faces: the full pipeline against raw per-model inference measured in the same run. */
import { mkdtempSync, rmSync } from 'node:fs';
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
const RAW_RUNS = 40;

/** Seconds per run of one model alone on a fixed input, after a warm-up. */
async function rawSecondsPerRun(role: ModelRole, threads: number): Promise<number> {
  const session = await createSession(modelPath(role), threads);
  const shape = INPUT_SHAPES[role];
  const input = new Tensor('float32', Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => Math.random()), shape);
  for (let i = 0; i < 5; i++) await session.run({ input });
  const seconds = await timeIt(async () => {
    for (let i = 0; i < RAW_RUNS; i++) await session.run({ input });
  });
  await session.release();
  return seconds / RAW_RUNS;
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
    const cpuStart = process.cpuUsage();
    let stats!: Awaited<ReturnType<typeof ingestVideo>>;
    const wall = await timeIt(async () => {
      stats = await ingestVideo(pipeline, new ObservationPublisher(bus, 'bench', limits), {
        siteId: 'bench',
        cameraId: 'cam',
        config,
        frames: readVideoFrames(video, { fps, maxWidth: config.maxFrameSide, reconnect: config.reconnect }),
      });
    });
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    await pipeline.close();
    await bus.close();

    const rows: Row[] = [];
    let modelOnly = 0;
    for (const role of ['detect', 'landmark', 'feature', 'liveness'] as ModelRole[]) {
      const raw = await rawSecondsPerRun(role, 1);
      const c = calls[role] ?? { n: 0, s: 0 };
      modelOnly += c.n * raw;
      rows.push({ stage: `${role} model alone, 1 thread`, 'runs/s': 1 / raw, 'runs in pipeline': c.n, 'ms/run in pipeline': c.n ? (1000 * c.s) / c.n : 0, 'ms/run alone': 1000 * raw });
    }
    const twoThreads = await rawSecondsPerRun('feature', 2);
    rows.push({ stage: 'feature model alone, 2 intra-op threads', 'runs/s': 1 / twoThreads, 'ms/run alone': 1000 * twoThreads });
    rows.push({
      stage: `full pipeline: ${stats.frames} frames (${seconds} s at ${fps} fps, 1280×720), ${stats.faces} faces → ${stats.observations} observations`,
      'frames/s': stats.frames / wall,
      'faces/s': stats.faces / wall,
      'frames per CPU-s': stats.frames / cpuSeconds,
      'faces per CPU-s': stats.faces / cpuSeconds,
    });
    rows.push({ stage: 'raw models for the same runs (Σ runs × ms alone)', 'frames/s': stats.frames / modelOnly, 'faces/s': stats.faces / modelOnly });
    rows.push({ stage: 'pipeline / raw model throughput (target ≥ 0.85)', ratio: modelOnly / wall });
    printTable('Camera worker on a generated video (ffmpeg decode in its own process; 1 inference thread; batch 1: the models are fixed-batch, see stack-notes)', rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
