/** Finds faces with fr_detect.onnx (UltraFace-style, 320×240): thresholding and NMS. */
import { isYuv420, type FrameImage, type RgbImage } from './face-types.ts';
import { Tensor, type InferenceSession } from './onnx-session.ts';
import { resampleRegion } from './resample-region.ts';

/** A raw detector box in image pixels (corners; may reach past the image edge). */
export interface DetectedFace {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
}

/** Faces found in one frame, and the detector's run time (for the model latency metrics). */
export interface DetectedFaces {
  faces: DetectedFace[];
  /** All the detector's runs on the frame together. */
  seconds: number;
  /** Detector runs it took (1: the whole frame; more with tiles). */
  runs?: number;
}

/** Detection knobs. */
export interface DetectOptions {
  /** Minimum face probability (default DEFAULT_MIN_SCORE). */
  minScore?: number;
  /** IoU above which a lower-scored box is suppressed (default DEFAULT_NMS_IOU). */
  nmsIou?: number;
  /** Boxes considered by NMS, best first (default DEFAULT_TOP_K). */
  topK?: number;
  /**
   * The whole image already shrunk to DETECTOR_INPUT_SIZE (area-averaged, aspect not kept), e.g.
   * by ffmpeg's scaler for video frames: the detector then reads it instead of resampling the
   * image here (~19 ms for a 720p frame in JS, 3× the detector's own run).
   */
  detectorView?: RgbImage;
}

/** The detector's fixed input size. */
export const DETECTOR_INPUT_SIZE = { width: 320, height: 240 } as const;
/** Minimum face probability (scores[:,1]); 0.65 is the value the model's own package ships. */
export const DEFAULT_MIN_SCORE = 0.65;
/** NMS IoU and the boxes it considers, as in the package (its top_k). */
export const DEFAULT_NMS_IOU = 0.4;
export const DEFAULT_TOP_K = 750;
const IN_W = DETECTOR_INPUT_SIZE.width;
const IN_H = DETECTOR_INPUT_SIZE.height;
/**
 * Input tensors not in use: a 720p video needs one 0.9 MB tensor per frame, and allocating it
 * each time was a good part of the worker's garbage collection. A pool, not a single buffer,
 * because concurrent calls (the upload endpoint) each need their own until their run ends.
 */
const spareInputs: Float32Array[] = [];
const MAX_SPARE_INPUTS = 4;

/**
 * Runs the detector on the whole image stretched to 320×240 (RGB, (px−127)/128, CHW) and returns
 * faces best-score first.
 */
export async function detectFaces(
  session: InferenceSession,
  image: FrameImage,
  opts: DetectOptions = {},
): Promise<DetectedFace[]> {
  const view = opts.detectorView;
  if (view && (view.width !== IN_W || view.height !== IN_H))
    throw new Error(`detector view must be ${IN_W}×${IN_H}, got ${view.width}×${view.height}`);
  if (!view && isYuv420(image)) throw new Error('a YUV video frame needs its detector view (VideoFrame.detectorView)');
  const rgb = view?.data ?? resampleRegion(image as RgbImage, 0, 0, image.width, image.height, IN_W, IN_H);
  const candidates = await detectInView(
    session,
    rgb,
    { x: 0, y: 0, width: image.width, height: image.height },
    opts.minScore ?? DEFAULT_MIN_SCORE,
  );
  return suppressOverlaps(candidates.slice(0, opts.topK ?? DEFAULT_TOP_K), opts.nmsIou ?? DEFAULT_NMS_IOU);
}

/** A rectangle of the image, in image pixels. */
export interface ImageRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * One detector run on a 320×240 RGB view of `region` (the whole image, or a tile of it): every
 * box scoring at least `minScore`, in image pixels, best first, not yet suppressed. The model's
 * `boxes` output is already decoded to normalised corners — the package's prior-box decoding is
 * dead code — so it only needs scaling to the region.
 */
export async function detectInView(
  session: InferenceSession,
  rgb: Uint8Array | Float32Array,
  region: ImageRegion,
  minScore: number,
): Promise<DetectedFace[]> {
  const plane = IN_W * IN_H;
  const input = spareInputs.pop() ?? new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    input[i] = (rgb[3 * i] - 127) / 128;
    input[plane + i] = (rgb[3 * i + 1] - 127) / 128;
    input[2 * plane + i] = (rgb[3 * i + 2] - 127) / 128;
  }
  let out: InferenceSession.OnnxValueMapType;
  try {
    out = await session.run({ input: new Tensor('float32', input, [1, 3, IN_H, IN_W]) });
  } finally {
    if (spareInputs.length < MAX_SPARE_INPUTS) spareInputs.push(input);
  }
  const scores = out.scores.data as Float32Array;
  const boxes = out.boxes.data as Float32Array;
  const candidates: DetectedFace[] = [];
  for (let i = 0; i < scores.length / 2; i++) {
    const score = scores[2 * i + 1];
    if (score < minScore) continue;
    candidates.push({
      x1: region.x + boxes[4 * i] * region.width,
      y1: region.y + boxes[4 * i + 1] * region.height,
      x2: region.x + boxes[4 * i + 2] * region.width,
      y2: region.y + boxes[4 * i + 3] * region.height,
      score,
    });
  }
  return candidates.sort((a, b) => b.score - a.score);
}

/**
 * Greedy NMS over score-sorted boxes: a box goes when it overlaps a kept one by more than `maxIou`
 * (IoU), or, given `maxCover`, when more than that share of the smaller box lies inside it (the
 * same face seen whole in one view and larger or smaller in another). (The package sorts by y2
 * and divides by one box's area instead.)
 */
export function suppressOverlaps(sorted: DetectedFace[], maxIou: number, maxCover = 1): DetectedFace[] {
  const kept: DetectedFace[] = [];
  for (const box of sorted) {
    if (box.x2 <= box.x1 || box.y2 <= box.y1) continue;
    if (kept.every((k) => !overlapsTooMuch(k, box, maxIou, maxCover))) kept.push(box);
  }
  return kept;
}

function overlapsTooMuch(a: DetectedFace, b: DetectedFace, maxIou: number, maxCover: number): boolean {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return false;
  const inter = w * h;
  const areaA = (a.x2 - a.x1) * (a.y2 - a.y1);
  const areaB = (b.x2 - b.x1) * (b.y2 - b.y1);
  return inter / (areaA + areaB - inter) > maxIou || inter / Math.min(areaA, areaB) > maxCover;
}
