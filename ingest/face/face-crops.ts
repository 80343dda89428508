/**
 * The two crops the shot models read (the aligned face, the liveness context), read from the
 * frame itself or from a copy of just the pixels they touch.
 */
import { ALIGNED_SIZE, warpAligned } from './align-face.ts';
import { LIVENESS_SIZE, livenessInput } from './estimate-liveness.ts';
import { isYuv420, type FaceCrops, type FrameImage } from './face-types.ts';
import type { AffineMap } from './sample-pixels.ts';

/** Where a face's crops read its image: the alignment and the liveness region. */
export interface CropMaps {
  aligned: AffineMap;
  liveness: AffineMap;
}

/** Crops made on demand from `image`: valid only while the image is. */
export function faceCrops(image: FrameImage, maps: CropMaps): FaceCrops {
  return { aligned: () => warpAligned(image, maps.aligned), liveness: () => livenessInput(image, maps.liveness) };
}

/**
 * faceCrops on a copy of the window of `image` the crops read: a video worker offers many frames
 * of a track as best shots but keeps only a few, and the frame's buffer is reused as soon as the
 * next frame is decoded. Copying the window (rows of bytes) costs a few tens of microseconds,
 * making both crops about a millisecond; crops of the copy are those of the frame (up to float
 * rounding), edges included.
 */
export function keepFaceCrops(image: FrameImage, maps: CropMaps): FaceCrops {
  const window = tapWindow(image, [
    [maps.aligned, ALIGNED_SIZE],
    [maps.liveness, LIVENESS_SIZE],
  ]);
  const shift = (m: AffineMap): AffineMap => ({ ...m, x0: m.x0 - window.left, y0: m.y0 - window.top });
  return faceCrops(copyWindow(image, window), { aligned: shift(maps.aligned), liveness: shift(maps.liveness) });
}

interface Window {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Pixels kept beyond the furthest mapped point: a bilinear tap reaches 1 pixel further, a chroma
 * tap 2.5, and the samplers' inside-the-frame test wants 1.5 more to spare. Any cut edge of the
 * window is thus never read, so only the frame's own edges behave as edges.
 */
const TAP_MARGIN = 4;

/**
 * The part of the image that square crops of `size` pixels through these maps read, with
 * TAP_MARGIN around it, clipped to the image, its top-left corner on even coordinates (so that
 * 4:2:0 chroma, one sample per 2×2 pixels, is cut on the same grid).
 */
function tapWindow(image: FrameImage, crops: Array<[AffineMap, number]>): Window {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [m, size] of crops) {
    for (const [u, v] of [
      [0, 0],
      [size - 1, 0],
      [0, size - 1],
      [size - 1, size - 1],
    ]) {
      const x = m.xu * u + m.xv * v + m.x0;
      const y = m.yu * u + m.yv * v + m.y0;
      [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
    }
  }
  // At least 2×2 pixels even when a crop lies wholly outside the frame (it then reads black).
  const span = (lo: number, hi: number, size: number): [number, number] => {
    const start = Math.min(Math.max(0, Math.floor(lo) - TAP_MARGIN), size - 2) & ~1;
    return [start, Math.max(start + 2, Math.min(size, Math.ceil(hi) + TAP_MARGIN + 1))];
  };
  const [left, right] = span(minX, maxX, image.width);
  const [top, bottom] = span(minY, maxY, image.height);
  return { left, top, width: right - left, height: bottom - top };
}

/** A copy of one window of the image, as an image of its own. */
function copyWindow(image: FrameImage, w: Window): FrameImage {
  if (!isYuv420(image)) {
    const data = new Uint8Array(w.width * w.height * 3);
    for (let r = 0; r < w.height; r++) {
      const from = ((w.top + r) * image.width + w.left) * 3;
      data.set(image.data.subarray(from, from + w.width * 3), r * w.width * 3);
    }
    return { width: w.width, height: w.height, data };
  }
  const cw = (w.width + 1) >> 1;
  const ch = (w.height + 1) >> 1;
  const bytes = new Uint8Array(w.width * w.height + 2 * cw * ch);
  const plane = (
    src: Uint8Array,
    stride: number,
    left: number,
    top: number,
    width: number,
    height: number,
    at: number,
  ) => {
    for (let r = 0; r < height; r++)
      bytes.set(src.subarray((top + r) * stride + left, (top + r) * stride + left + width), at + r * width);
    return bytes.subarray(at, at + width * height);
  };
  const chromaStride = (image.width + 1) >> 1;
  return {
    width: w.width,
    height: w.height,
    y: plane(image.y, image.width, w.left, w.top, w.width, w.height, 0),
    u: plane(image.u, chromaStride, w.left / 2, w.top / 2, cw, ch, w.width * w.height),
    v: plane(image.v, chromaStride, w.left / 2, w.top / 2, cw, ch, w.width * w.height + cw * ch),
  };
}
