/**
 * Measures the liveness gate on the video path: real faces and spoofs made from the same photos,
 * rendered into videos at several face widths and run through the camera worker in flag mode;
 * p(live) per track by kind, then false-reject and catch rates per threshold.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { createMemoryBus } from '../../common/bus/index.ts';
import type { IngestConfig } from '../../schemas/index.ts';
import { decodeFaceObservation } from '../../schemas/index.ts';
import { decodeImage } from '../face/decode-image.ts';
import type { FacePipeline } from '../face/face-pipeline.ts';
import type { ShotModels } from '../face/shot-models.ts';
import { ingestVideo } from '../ingest-video.ts';
import { ObservationPublisher } from '../observation-publisher.ts';
import { readVideoFrames } from '../sources/read-video-frames.ts';
import {
  renderLivenessVideo,
  waveCapacity,
  type LivenessWave,
  type RenderedWave,
  type SceneGeometry,
} from './render-liveness-video.ts';
import {
  feathered,
  onScreen,
  printed,
  refilmed,
  spriteOf,
  tilted,
  withBorder,
  type PhotoRegion,
  type Sprite,
} from './spoof-effects.ts';

/** Real faces (the photo pasted as a rectangle, or feathered into the scene) and the spoofs made from them. */
export const LIVENESS_KINDS = [
  'real-pasted',
  'real-blended',
  'spoof-plane',
  'spoof-print',
  'spoof-screen',
  'spoof-replay',
] as const;
export type LivenessKind = (typeof LIVENESS_KINDS)[number];

export function isReal(kind: LivenessKind): boolean {
  return kind.startsWith('real');
}

/** A photo's face, as the detector boxes it on the photo: its portrait is cut around it. */
interface Portrait {
  file: string;
  region: PhotoRegion;
  /** Face box width / region height. */
  faceShare: number;
}

/** p(live) of every track of one kind at one face width. */
export interface LivenessSample {
  faceWidthPx: number;
  kind: LivenessKind;
  /** Pictures shown, and the tracks that reached the liveness model (the rest never passed detection or the quality gate). */
  pictures: number;
  pLive: number[];
}

export interface MeasureLivenessOptions {
  photos: string[];
  /** Face widths (px) at which every photo is shown. */
  faceWidthsPx: number[];
  /** Photos made into each kind of spoof (spread evenly over `photos`). */
  spoofsPerKind: number;
  /** The camera worker's configuration (its detection, tracking and gates; liveness runs in flag mode). */
  config: IngestConfig;
  /** Where the videos are written (and deleted after their run). */
  workDir: string;
  /** Runs the liveness model; embeddings are not needed here. */
  shotModels: ShotModels;
  onProgress?: (line: string) => void;
}

/**
 * A portrait is the square of PORTRAIT_SIDES face widths centred on the face (as a news photo
 * frames a head and shoulders), cut from the photo: faces of every set then fill their pictures
 * alike, and a 14 MP phone photo does not fill the canvas. No photo here holds all the context
 * the liveness crop reads (2.7 face-box heights, ~4 face widths, around the face): in every
 * video the crop shows the picture's edge, hard (pasted) or soft (blended).
 */
const PORTRAIT_SIDES = 2.9;
const GEOMETRY = { width: 1280, height: 720, fps: 5 } as const;
const START_MS = 1.75e12;
/** Cell side per face width: the portrait, and room for a spoof's border and the drift. */
const CELL_PER_FACE = PORTRAIT_SIDES + 0.4;
/** Stand-in embedding: the measurement needs p(live) only, and the feature model is the costliest run. */
const UNIT = Float32Array.from({ length: 512 }, (_, i) => (i === 0 ? 1 : 0));

/** Runs the measurement; photos in which no face is found are left out (returned as `skipped`). */
export async function measureLiveness(
  pipeline: FacePipeline,
  opts: MeasureLivenessOptions,
): Promise<{ samples: LivenessSample[]; skipped: string[] }> {
  const { portraits, skipped } = await findPortraits(pipeline, opts.photos, opts.onProgress);
  const spoofed = spread(portraits, opts.spoofsPerKind);
  const samples: LivenessSample[] = [];
  for (const faceWidthPx of opts.faceWidthsPx) {
    const geometry: SceneGeometry = { ...GEOMETRY, cellPx: Math.ceil(CELL_PER_FACE * faceWidthPx) };
    const video = join(opts.workDir, `liveness-${faceWidthPx}.mp4`);
    try {
      const waves = await renderLivenessVideo(
        video,
        planWaves(portraits, spoofed, faceWidthPx, waveCapacity(geometry)),
        geometry,
      );
      opts.onProgress?.(`  ${faceWidthPx} px: ${waves.length} waves rendered, running the worker`);
      const byKind = await pLiveByKind(pipeline, video, waves, opts);
      for (const kind of LIVENESS_KINDS) {
        const pictures = waves.filter((w) => w.kind === kind).reduce((n, w) => n + w.pictures, 0);
        const pLive = byKind.get(kind) ?? [];
        samples.push({ faceWidthPx, kind, pictures, pLive });
        opts.onProgress?.(
          `  ${faceWidthPx} px ${kind}: ${pLive.length} tracks of ${pictures} pictures, ${(100 * shareBelow(pLive, opts.config.liveness.minLive)).toFixed(1)} % below ${opts.config.liveness.minLive}`,
        );
      }
    } finally {
      rmSync(video, { force: true });
    }
  }
  return { samples, skipped };
}

/** Share of values below `threshold`: the false-reject rate of real faces, the catch rate of spoofs. */
export function shareBelow(values: number[], threshold: number): number {
  return values.length === 0 ? Number.NaN : values.filter((p) => p < threshold).length / values.length;
}

/**
 * The rule for the default: drop spoofs only when dropping costs at most 1 % of real
 * faces, else flag them (published with p(live)) and let the numbers downstream decide.
 */
export function recommendLivenessAction(realFalseRejectRate: number): 'drop' | 'flag' {
  return realFalseRejectRate <= 0.01 ? 'drop' : 'flag';
}

async function findPortraits(
  pipeline: FacePipeline,
  photos: string[],
  onProgress?: (line: string) => void,
): Promise<{ portraits: Portrait[]; skipped: string[] }> {
  const portraits: Portrait[] = [];
  const skipped: string[] = [];
  for (const [i, file] of photos.entries()) {
    const image = await decodeImage(file);
    const [face] = await pipeline.describeFaces(image);
    if (!face) {
      skipped.push(file);
      continue;
    }
    const side = Math.min(PORTRAIT_SIDES * face.box.width, image.width, image.height);
    const cx = face.box.x + face.box.width / 2;
    const cy = face.box.y + face.box.height / 2;
    const x = Math.max(0, Math.min(image.width - side, cx - side / 2));
    const y = Math.max(0, Math.min(image.height - side, cy - side / 2));
    portraits.push({ file, region: { x, y, width: side, height: side }, faceShare: face.box.width / side });
    if ((i + 1) % 500 === 0) onProgress?.(`  faces measured in ${i + 1}/${photos.length} photos`);
  }
  return { portraits, skipped };
}

/** `count` items spread evenly over the list (all of it when shorter). */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]);
}

/** Every portrait as each real kind, the spoof sample as each spoof kind; waves of one kind, full cells. */
async function* planWaves(
  all: Portrait[],
  spoofed: Portrait[],
  faceWidthPx: number,
  capacity: number,
): AsyncGenerator<LivenessWave<LivenessKind>> {
  for (const kind of LIVENESS_KINDS) {
    const portraits = isReal(kind) ? all : spoofed;
    for (let i = 0; i < portraits.length; i += capacity) {
      const sprites: Sprite[] = [];
      for (const p of portraits.slice(i, i + capacity))
        sprites.push(
          picture(kind, spriteOf(await decodeImage(p.file), p.region, faceWidthPx / p.faceShare), faceWidthPx),
        );
      yield { kind, sprites };
    }
  }
}

/**
 * One portrait shown as `kind`. Spoofs are objects held up to the camera, so each has an edge
 * (paper, bezel) and a tilt; their textures are drawn at 3 canvas pixels, near what a camera
 * resolves, where a real print's dots (0.2 mm) would vanish: an easier catch than the real thing.
 */
function picture(kind: LivenessKind, portrait: Sprite, faceWidthPx: number): Sprite {
  const pitch = 3;
  switch (kind) {
    case 'real-pasted':
      return portrait;
    case 'real-blended':
      return feathered(portrait, 0.2);
    case 'spoof-plane':
      return tilted(withBorder(portrait, 0.06, [245, 245, 240]), 0.35);
    case 'spoof-print':
      return tilted(withBorder(printed(portrait, pitch), 0.06, [250, 244, 228]), 0.3);
    case 'spoof-screen':
      return tilted(withBorder(onScreen(portrait, pitch), 0.08, [12, 12, 14]), 0.25);
    case 'spoof-replay':
      return refilmed(
        tilted(withBorder(onScreen(portrait, pitch), 0.08, [12, 12, 14]), 0.2),
        Math.max(1, faceWidthPx / 48),
      );
  }
}

/** Runs the worker in flag mode on the video; each observation's p(live) under the kind of the wave it started in. */
async function pLiveByKind(
  pipeline: FacePipeline,
  video: string,
  waves: Array<RenderedWave<LivenessKind>>,
  opts: MeasureLivenessOptions,
): Promise<Map<LivenessKind, number[]>> {
  const bus = createMemoryBus();
  const limits = {
    embeddingDim: 512,
    maxMessageBytes: 65_536,
    isKnownSite: () => true,
    times: { now: Date.now, maxFutureSkewMs: 300_000, maxPastMsOf: () => 3650 * 86_400_000 },
  };
  const out = new Map<LivenessKind, number[]>();
  const frameMs = 1000 / GEOMETRY.fps;
  const sub = await bus.subscribe({ topic: 'liveness', groupId: 'calibrate' }, async (batch) => {
    for (const m of batch.messages) {
      const o = decodeFaceObservation(m.value, limits);
      if (o.liveness === undefined) continue;
      const frame = Math.round((o.tStartMs - START_MS) / frameMs);
      const wave = waves.find((w) => frame >= w.firstFrame && frame <= w.lastFrame);
      if (wave) out.set(wave.kind, [...(out.get(wave.kind) ?? []), o.liveness]);
    }
  });
  const config = { ...opts.config, liveness: { ...opts.config.liveness, action: 'flag' as const } };
  try {
    await ingestVideo(pipeline, new ObservationPublisher(bus, 'liveness', limits), {
      siteId: 'calibration',
      cameraId: 'calibration',
      config,
      frames: readVideoFrames(video, {
        fps: GEOMETRY.fps,
        maxWidth: config.maxFrameSide,
        startMs: START_MS,
        reconnect: config.reconnect,
        detectorModel: pipeline.modelFile('detect'),
        detection: config.detection,
      }),
      shotModels: {
        embedAligned: async () => UNIT.slice(),
        scoreLiveness: (input) => opts.shotModels.scoreLiveness(input),
      },
    });
    await sub.drain();
  } finally {
    await bus.close();
  }
  return out;
}
