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
  seconds: number;
}

/** Detection knobs. */
export interface DetectOptions {
  /** Minimum face probability (scores[:,1]); 0.65 is the value the model's own package ships. */
  minScore?: number;
  /** IoU above which a lower-scored box is suppressed; 0.4 as in the package. */
  nmsIou?: number;
  /** Boxes considered by NMS, best first (the package's top_k). */
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
 * faces best-score first. The model's `boxes` output is already decoded to normalised corners —
 * the package's prior-box decoding is dead code — so it only needs scaling to the image size.
 */
export async function detectFaces(
  session: InferenceSession,
  image: FrameImage,
  opts: DetectOptions = {},
): Promise<DetectedFace[]> {
  const minScore = opts.minScore ?? 0.65;
  const view = opts.detectorView;
  if (view && (view.width !== IN_W || view.height !== IN_H)) throw new Error(`detector view must be ${IN_W}×${IN_H}, got ${view.width}×${view.height}`);
  if (!view && isYuv420(image)) throw new Error('a YUV video frame needs its detector view (VideoFrame.detectorView)');
  const rgb = view?.data ?? resampleRegion(image as RgbImage, 0, 0, image.width, image.height, IN_W, IN_H);
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
      x1: boxes[4 * i] * image.width,
      y1: boxes[4 * i + 1] * image.height,
      x2: boxes[4 * i + 2] * image.width,
      y2: boxes[4 * i + 3] * image.height,
      score,
    });
  }
  candidates.sort((a, b) => b.score - a.score);
  return suppressOverlaps(candidates.slice(0, opts.topK ?? 750), opts.nmsIou ?? 0.4);
}

/** Greedy NMS over score-sorted boxes. (The package sorts by y2 and divides by one box's area instead.) */
function suppressOverlaps(sorted: DetectedFace[], maxIou: number): DetectedFace[] {
  const kept: DetectedFace[] = [];
  for (const box of sorted) {
    if (box.x2 <= box.x1 || box.y2 <= box.y1) continue;
    if (kept.every((k) => iou(k, box) <= maxIou)) kept.push(box);
  }
  return kept;
}

function iou(a: DetectedFace, b: DetectedFace): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
}
