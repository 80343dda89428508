/** Camera-worker throughput on a real video with faces: the full pipeline against raw per-model inference measured in the same run. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchDemoPhotos } from '../cli/demo/fetch-demo-photos.ts';
import { createMemoryBus } from '../common/bus/index.ts';
import { FacePipeline, ingestVideo, ObservationPublisher, readVideoFrames, type VideoIngestStats } from '../ingest/index.ts';
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

interface Scene {
  name: string;
  segments: VideoSegment[];
  /** Height of each photo on the 1280×720 canvas at the start of a segment. */
  photoHeight: number;
}

/**
 * Two scenes, ~100 s each, so that a pass is long enough for start-up (decoder threads, ffmpeg,
 * first keyframe: ~0.5 s) to weigh as little as it does on a camera. Decoding costs the same per
 * frame whoever is in it, the models cost per face: the ratio depends on faces per frame.
 *   entrance: six people walking past one by one, two together, two group photos, gaps between;
 *   groups: the sample package's six group photos (3–5 faces each), large, one after another.
 */
async function benchScenes(): Promise<Scene[]> {
  const people = ['9336923', '9338535', 'anpage', 'asamma', 'asewil', 'astefa'];
  const gap: VideoSegment = { images: [], seconds: 1, motion: 'empty' };
  const photos = people.map((p) => personImages('faces94_subset', p));
  const groups = await fetchDemoPhotos();
  const entrance: VideoSegment[] = [
    ...photos.flatMap((p): VideoSegment[] => [{ images: [p[0]], seconds: 3, motion: 'pan' }, gap]),
    { images: [photos[0][4], photos[1][4]], seconds: 3, motion: 'pan' },
    gap,
    ...groups.slice(0, 2).flatMap((g): VideoSegment[] => [{ images: [g], seconds: 3, motion: 'pan' }, gap]),
  ];
  const crowd = groups.map((g): VideoSegment => ({ images: [g], seconds: 4, motion: 'pan' }));
  return [
    { name: 'entrance', segments: [...entrance, ...entrance, ...entrance], photoHeight: 440 },
    { name: 'groups', segments: [...crowd, ...crowd, ...crowd, ...crowd], photoHeight: 640 },
  ];
}

export async function benchIngest(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-bench-ingest-'));
  const models: Row[] = [];
  const throughput: Row[] = [];
  try {
    for (const scene of await benchScenes()) {
      const video = join(dir, `${scene.name}.mp4`);
      const seconds = await makeFaceVideo(video, scene.segments, { width: 1280, height: 720, photoHeight: scene.photoHeight });
      const result = await benchScene(video);
      const { frames, faces, observations } = result.stats;
      const label = `${scene.name}: ${frames} frames (${seconds} s), ${(faces / frames).toFixed(2)} faces/frame, ${observations} observations`;
      models.push(...result.models.map((r) => ({ scene: scene.name, ...r })));
      throughput.push(...result.throughput.map((r, i) => ({ stage: i === 0 ? label : '', ...r })));
    }
    printTable('Camera worker models: 1 inference thread each, batch 1 (the models are fixed-batch, see stack-notes); "in pipeline" includes waiting for the event loop', models);
    printTable('Camera worker on generated 1280×720 25 fps H.264 videos at 5 analysed fps, after one untimed warm-up pass each', throughput);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One scene: a warm-up pass, a timed pass, then the same model runs back to back. */
async function benchScene(video: string): Promise<{ stats: VideoIngestStats; models: Row[]; throughput: Row[] }> {
  const config = ingestConfigSchema.parse({});
  const fps = config.analysisFps;
  const calls: Record<string, { n: number; s: number }> = {};
  const onModelRun = (role: ModelRole, s: number) => {
    const c = (calls[role] ??= { n: 0, s: 0 });
    c.n++;
    c.s += s;
  };
  const pipeline = await FacePipeline.load({ liveness: true, onModelRun });
  const shotModels = pipeline.startShotModelsThread();
  const bus = createMemoryBus();
  const limits = { embeddingDim: 512, maxMessageBytes: 65_536, isKnownSite: () => true };
  const ingest = () =>
    ingestVideo(pipeline, new ObservationPublisher(bus, 'bench', limits), {
      siteId: 'bench',
      cameraId: 'cam',
      config,
      frames: readVideoFrames(video, { fps, maxWidth: config.maxFrameSide, reconnect: config.reconnect, detectorModel: pipeline.modelFile('detect') }),
      shotModels,
    });
  // A camera worker runs for days: one untimed pass first, so that start-up (threads, model
  // sessions, JIT) is not counted. The raw runs get a warm-up too.
  await ingest();
  for (const c of Object.values(calls)) Object.assign(c, { n: 0, s: 0 });
  const cpuStart = cpuSeconds();
  let stats!: VideoIngestStats;
  // The pipeline: frames in from ffmpeg to observations out.
  const wall = await timeIt(async () => {
    stats = await ingest();
  });
  const cpu = cpuSince(cpuStart);
  await Promise.all([pipeline.close(), shotModels.close(), bus.close()]);

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
    models.push({ model: `${role}${role === 'detect' ? ' (detector thread)' : ''}`, 'runs in pipeline': c.n, 'ms/run in pipeline': c.n ? (1000 * c.s) / c.n : 0, 'ms/run alone': 1000 * perRun });
  }
  const twoThreads = await rawRuns('feature', MIN_RAW_RUNS, 2);
  models.push({ model: 'feature, 2 intra-op threads', 'ms/run alone': (1000 * twoThreads.wall) / MIN_RAW_RUNS });

  const { frames, faces } = stats;
  const perFrame = (seconds: number) => (1000 * seconds) / frames;
  const throughput: Row[] = [
    { run: 'full pipeline', 'frames/s': frames / wall, 'faces/s': faces / wall, 'frames/s per core': frames / cpu.total, 'faces/s per core': faces / cpu.total, 'CPU ms/frame': perFrame(cpu.total) },
    { run: '  of which ffmpeg (decode, detector view)', 'CPU ms/frame': perFrame(cpu.children) },
    { run: '  of which Node (threads: decoder, detector, analysis)', 'CPU ms/frame': perFrame(cpu.self) },
    { run: 'raw models: the same runs back to back', 'frames/s': frames / rawWall, 'faces/s': faces / rawWall, 'frames/s per core': frames / rawCpu, 'faces/s per core': faces / rawCpu, 'CPU ms/frame': perFrame(rawCpu) },
    { run: 'pipeline / raw, wall clock (target ≥ 0.85)', ratio: rawWall / wall },
    { run: 'pipeline / raw, per core (decoding included)', ratio: rawCpu / cpu.total },
  ];
  return { stats, models, throughput };
}
