/** Scores whether a detected face is a live person (not a print or screen) with fr_liveness.onnx. */
import type { DetectedFace } from './detect-faces.ts';
import type { FrameImage } from './face-types.ts';
import { Tensor, type InferenceSession } from './onnx-session.ts';
import { regionMap, sampleAffine, type AffineMap } from './sample-pixels.ts';

/** The liveness model's input side. */
export const LIVENESS_SIZE = 128;
/** Context around the face the model was trained with (the package's scale_value). */
const CONTEXT_SCALE = 2.7;

/**
 * Where the liveness crop of one face reads the image. Follows the package: the box is made
 * square (side = box height), scaled ×2.7 around its centre but never beyond the image, shifted
 * back inside the frame, resized to 128×128 by bilinear sampling (cv.resize's default, as the
 * package does).
 */
export function livenessMap(image: { width: number; height: number }, face: DetectedFace): AffineMap {
  const boxSide = face.y2 - face.y1;
  const scale = Math.min(CONTEXT_SCALE, (image.height - 1) / boxSide, (image.width - 1) / boxSide);
  const side = boxSide * scale;
  const left = clamp((face.x1 + face.x2) / 2 - side / 2, 0, image.width - 1 - side);
  const top = clamp((face.y1 + face.y2) / 2 - side / 2, 0, image.height - 1 - side);
  return regionMap(left, top, side, side, LIVENESS_SIZE, LIVENESS_SIZE);
}

/**
 * The liveness model's input (1×3×128×128) from the crop at a livenessMap: raw 0..255 values, CHW
 * in B,G,R order (which lifts real photos' median p(live) to 0.999). p(live) is then the
 * softmax's class 0. Uncalibrated: measure before dropping faces on it.
 */
export function livenessInput(image: FrameImage, map: AffineMap): Float32Array {
  const rgb = sampleAffine(image, map, LIVENESS_SIZE, LIVENESS_SIZE);
  const plane = LIVENESS_SIZE * LIVENESS_SIZE;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    input[i] = rgb[3 * i + 2];
    input[plane + i] = rgb[3 * i + 1];
    input[2 * plane + i] = rgb[3 * i];
  }
  return input;
}

/** p(live) of an input made by livenessInput. */
export async function scoreLiveness(session: InferenceSession, input: Float32Array): Promise<number> {
  const out = await session.run({ input: new Tensor('float32', input, [1, 3, LIVENESS_SIZE, LIVENESS_SIZE]) });
  const logits = Array.from(out.output.data as Float32Array);
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  return exps[0] / exps.reduce((s, e) => s + e, 0);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
