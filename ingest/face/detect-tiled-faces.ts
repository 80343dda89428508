/** Finds a video frame's faces at the resolution they need: the whole-frame view, plus tiles of the frame at a finer scale, merged across tile borders. */
import type { DetectionConfig } from '../../schemas/index.ts';
import {
  DEFAULT_MIN_SCORE,
  DEFAULT_NMS_IOU,
  DEFAULT_TOP_K,
  DETECTOR_INPUT_SIZE,
  detectInView,
  suppressOverlaps,
  type DetectedFace,
} from './detect-faces.ts';
import type { RgbImage } from './face-types.ts';
import { MotionCells } from './find-motion-cells.ts';
import type { InferenceSession } from './onnx-session.ts';
import { isCutByTileEdge, mostCentralTile, planDetectionTiles, type DetectionTile } from './plan-detection-tiles.ts';

/** One frame's faces and how many detector runs they took. */
export interface TiledDetection {
  faces: DetectedFace[];
  runs: number;
}

/**
 * Whole-frame boxes from this score up, though below the face minimum, send their tile to a
 * second look in motion mode: at 32 px on a 720p frame the whole-frame view scores real faces
 * 0.3–0.9.
 */
const WEAK_SCORE = 0.3;
/**
 * A box more than this share of whose area lies inside a better box is the same face: a face
 * seen in the whole-frame view and again in a tile gets two slightly different boxes.
 */
const MAX_COVER = 0.7;
/**
 * Motion mode keeps running the tiles of faces found in this many recent frames: a person standing
 * still makes no motion, and one missed detection must not lose them (a track survives 4 missed
 * frames by default).
 */
const RECENT_FRAMES = 5;
const IN_W = DETECTOR_INPUT_SIZE.width;
const IN_H = DETECTOR_INPUT_SIZE.height;
/** The detector's zero: (127 − 127) / 128. Pads tiles of views smaller than the detector's input. */
const NEUTRAL_GREY = 127;

/**
 * Long-lived per camera (motion mode remembers recent frames). `full` runs the detector once
 * on the whole frame shrunk to 320×240 — a 1280×720 frame is shrunk 4× across and 3× down, and
 * faces below ~48 px fade out. `tiles` also runs it on overlapping 320×240 tiles of the tile view
 * (the frame shrunk by `tileScale` only): 3×2 tiles on a 720p frame at scale 2, faces from ~24 px.
 * `motion` runs only the tiles where a face can be: cells whose brightness changed, faces of the
 * last few frames, weak whole-frame boxes, and all tiles every `refreshFrames` frames.
 */
export class TiledFaceDetector {
  private readonly motion = new MotionCells();
  private readonly tile = new Uint8Array(3 * IN_W * IN_H);
  private frames = 0;
  private recent: DetectedFace[][] = [];

  constructor(
    private readonly session: InferenceSession,
    private readonly settings: Pick<DetectionConfig, 'mode' | 'minCellChange' | 'refreshFrames'>,
  ) {}

  /**
   * Faces of a `size` frame, best first, from its 320×240 `view` and, unless the mode is full,
   * its `tileView`. Without a tile view only the whole-frame view runs.
   */
  async detect(size: { width: number; height: number }, view: RgbImage, tileView?: RgbImage): Promise<TiledDetection> {
    const tiled = this.settings.mode !== 'full' && tileView !== undefined;
    const whole = await detectInView(
      this.session,
      view.data,
      { x: 0, y: 0, width: size.width, height: size.height },
      tiled ? WEAK_SCORE : DEFAULT_MIN_SCORE,
    );
    // The whole-frame view alone is exactly detectFaces.
    if (!tiled) return { faces: suppressOverlaps(whole.slice(0, DEFAULT_TOP_K), DEFAULT_NMS_IOU), runs: 1 };
    const tiles = planDetectionTiles(tileView.width, tileView.height, DETECTOR_INPUT_SIZE);
    const scale = { x: size.width / tileView.width, y: size.height / tileView.height };
    const found = whole.filter((f) => f.score >= DEFAULT_MIN_SCORE);
    const chosen = this.chooseTiles(tiles, tileView, scale, whole);
    for (const i of chosen) {
      const t = tiles[i];
      copyTile(tileView, t, this.tile);
      const region = { x: t.x * scale.x, y: t.y * scale.y, width: IN_W * scale.x, height: IN_H * scale.y };
      for (const box of await detectInView(this.session, this.tile, region, DEFAULT_MIN_SCORE)) {
        const inView = {
          x1: box.x1 / scale.x,
          y1: box.y1 / scale.y,
          x2: box.x2 / scale.x,
          y2: box.y2 / scale.y,
          score: box.score,
        };
        if (!isCutByTileEdge(inView, t, tileView)) found.push(box);
      }
    }
    const faces = merge(found.sort((a, b) => b.score - a.score));
    this.recent = [faces, ...this.recent.slice(0, RECENT_FRAMES - 1)];
    return { faces, runs: 1 + chosen.length };
  }

  /** Indices of the tiles to run on this frame. */
  private chooseTiles(
    tiles: DetectionTile[],
    tileView: RgbImage,
    scale: { x: number; y: number },
    whole: DetectedFace[],
  ): number[] {
    const all = tiles.map((_, i) => i);
    if (this.settings.mode === 'tiles') return all;
    const changed = this.motion.changed(tileView, this.settings.minCellChange);
    if (this.frames++ % this.settings.refreshFrames === 0) return all;
    const points: Array<[number, number]> = [...changed];
    // Faces the tiles are for (up to half a tile across) found in recent frames, and weak whole-frame boxes.
    const hints = [...this.recent.flat(), ...whole.filter((f) => f.score < DEFAULT_MIN_SCORE)];
    for (const f of hints) {
      if ((f.x2 - f.x1) / scale.x > IN_W / 2) continue;
      points.push([(f.x1 + f.x2) / 2 / scale.x, (f.y1 + f.y2) / 2 / scale.y]);
    }
    const chosen = new Set<number>();
    for (const [x, y] of points) {
      const i = mostCentralTile(
        tiles,
        Math.max(0, Math.min(tileView.width - 1, x)),
        Math.max(0, Math.min(tileView.height - 1, y)),
        tileView,
      );
      if (i >= 0) chosen.add(i);
    }
    return [...chosen].sort((a, b) => a - b);
  }
}

/** Suppression over every view's boxes (sorted best first), as detectFaces does within one view, plus nested boxes. */
function merge(sorted: DetectedFace[]): DetectedFace[] {
  return suppressOverlaps(sorted.slice(0, DEFAULT_TOP_K), DEFAULT_NMS_IOU, MAX_COVER);
}

/** Copies one tile of the view into the detector's 320×240 input, padded with neutral grey. */
function copyTile(view: RgbImage, tile: DetectionTile, out: Uint8Array): void {
  if (tile.width < IN_W || tile.height < IN_H) out.fill(NEUTRAL_GREY);
  for (let row = 0; row < tile.height; row++) {
    const from = 3 * ((tile.y + row) * view.width + tile.x);
    out.set(view.data.subarray(from, from + 3 * tile.width), 3 * row * IN_W);
  }
}
