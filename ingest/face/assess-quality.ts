/** Scores how useful a face is for re-identification, 0..1, from size, sharpness and detector score. */
import { ALIGNED_SIZE } from './align-face.ts';
import type { QualityParts } from './face-types.ts';
import type { AffineMap } from './sample-pixels.ts';

/**
 * Faces whose box side reaches the aligned crop's 112 px get full size marks: below that the
 * crop is upsampled and detail is invented, not seen.
 */
const FULL_SIZE_PX = ALIGNED_SIZE;
/**
 * Variance of the Laplacian of the aligned grey crop at which sharpness scores 0.5; 100 is the
 * usual blur-detection threshold on 8-bit images, and the 112 px crop normalises face scale.
 */
const HALF_SHARPNESS = 100;
/** Sharpness is measured on the aligned crop's central 80×80, skipping the black corners the warp leaves for faces near the frame edge. */
const SHARPNESS_MARGIN = 16;
const WINDOW_SIDE = ALIGNED_SIZE - 2 * SHARPNESS_MARGIN + 2;

/**
 * The square of the aligned grey crop that assessQuality reads: the central 80×80 and the 1-px
 * ring the Laplacian reaches into (only it needs sampling, less than half of the crop) — sampled
 * no finer than the image's own pixels. A face smaller than the crop is upsampled into it, and
 * upsampling alone flattens the Laplacian: a sharp 47 px face measured 0.24 on the 112 px crop,
 * below the gate's 0.3, like a blurred one. At the image's own spacing it measures what the
 * camera resolved. Faces of 112 px and more are measured on the crop as before.
 */
export function sharpnessWindow(aligned: AffineMap): { offset: number; size: number; step: number } {
  // Image pixels per aligned pixel; below 1 the crop is upsampled.
  const spacing = Math.hypot(aligned.xu, aligned.yu);
  const step = Math.max(1, 1 / spacing);
  const size = Math.max(8, Math.round((WINDOW_SIDE - 1) / step) + 1);
  // Centred where the 112 px window is.
  const offset = SHARPNESS_MARGIN - 1 + (WINDOW_SIDE - 1 - (size - 1) * step) / 2;
  return { offset, size, step };
}

/**
 * quality = geometric mean of
 *   size      = min(1, boxSide / 112),
 *   sharpness = v / (v + 100), v = variance of the 4-neighbour Laplacian over the aligned grey
 *               crop's central 80×80 (`windowGrey`, `windowSize` samples square: see sharpnessWindow),
 *   detector  = the detector's face probability;
 * a geometric mean so that any one bad ingredient pulls the score down.
 */
export function assessQuality(
  windowGrey: Float32Array,
  windowSize: number,
  boxSide: number,
  detectorScore: number,
): { quality: number; parts: QualityParts } {
  const size = Math.max(0, Math.min(1, boxSide / FULL_SIZE_PX));
  const v = laplacianVariance(windowGrey, windowSize);
  const sharpness = v / (v + HALF_SHARPNESS);
  const detector = Math.max(0, Math.min(1, detectorScore));
  return { quality: Math.cbrt(size * sharpness * detector), parts: { size, sharpness, detector } };
}

function laplacianVariance(grey: Float32Array, n: number): number {
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (let y = 1; y < n - 1; y++) {
    for (let x = 1; x < n - 1; x++) {
      const i = y * n + x;
      const lap = grey[i - 1] + grey[i + 1] + grey[i - n] + grey[i + n] - 4 * grey[i];
      sum += lap;
      sumSq += lap * lap;
      count++;
    }
  }
  const mean = sum / count;
  return sumSq / count - mean * mean;
}
