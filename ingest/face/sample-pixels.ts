/** Bilinear reads of RGB photos and YUV 4:2:0 video frames, returned as RGB: the crops' one way to touch pixels. */
import { isYuv420, type FrameImage, type RgbImage, type Yuv420Image } from './face-types.ts';

/**
 * Writes the bilinear sample at (x, y) (pixel-centre coordinates) as R,G,B into out[o..o+2];
 * pixels outside the image count as black, like OpenCV's constant border.
 */
export type Sampler = (x: number, y: number, out: Float32Array, o: number) => void;

/** The sampler for one image: made once per crop, so the format is decided once, not per pixel. */
export function samplerFor(img: FrameImage): Sampler {
  if (isYuv420(img)) return yuvSampler(img);
  return (x, y, out, o) => sampleRgb(img, x, y, out, o);
}

/**
 * The region (left, top, width, height) resized to outW×outH as cv.resize's default INTER_LINEAR
 * does (no area averaging: 4 taps per output pixel, however large the region), RGB interleaved
 * 0..255. The model packages preprocess this way, and it costs the same for a huge face as for a
 * small one.
 */
export function resampleRegionLinear(img: FrameImage, left: number, top: number, width: number, height: number, outW: number, outH: number): Float32Array {
  const sample = samplerFor(img);
  const out = new Float32Array(outW * outH * 3);
  const sx = width / outW;
  const sy = height / outH;
  for (let v = 0; v < outH; v++) {
    const y = top + (v + 0.5) * sy - 0.5;
    for (let u = 0; u < outW; u++) sample(left + (u + 0.5) * sx - 0.5, y, out, (v * outW + u) * 3);
  }
  return out;
}

/**
 * The region's grey (luma 0.299R + 0.587G + 0.114B, 0..255) at outW×outH, sampled as
 * resampleRegionLinear does. A video frame's Y plane already is that luma, in limited range: it
 * is only stretched, no RGB is made.
 */
export function resampleGreyLinear(img: FrameImage, left: number, top: number, width: number, height: number, outW: number, outH: number): Float32Array {
  const luma = isYuv420(img) ? (x: number, y: number) => clamp255(((bilinearPlane(img.y, img.width, img.height, x, y, BLACK_Y) - 16) * 255) / 219) : rgbLuma(img);
  const grey = new Float32Array(outW * outH);
  const sx = width / outW;
  const sy = height / outH;
  for (let v = 0; v < outH; v++) {
    const y = top + (v + 0.5) * sy - 0.5;
    for (let u = 0; u < outW; u++) grey[v * outW + u] = luma(left + (u + 0.5) * sx - 0.5, y);
  }
  return grey;
}

function rgbLuma(img: RgbImage): (x: number, y: number) => number {
  const rgb = new Float32Array(3);
  return (x, y) => {
    sampleRgb(img, x, y, rgb, 0);
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
  };
}

function sampleRgb(img: RgbImage, x: number, y: number, out: Float32Array, o: number): void {
  const { width, height, data } = img;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  let r = 0;
  let g = 0;
  let b = 0;
  for (let dy = 0; dy < 2; dy++) {
    const yy = y0 + dy;
    if (yy < 0 || yy >= height) continue;
    const wy = dy === 0 ? 1 - fy : fy;
    for (let dx = 0; dx < 2; dx++) {
      const xx = x0 + dx;
      if (xx < 0 || xx >= width) continue;
      const w = wy * (dx === 0 ? 1 - fx : fx);
      const s = (yy * width + xx) * 3;
      r += w * data[s];
      g += w * data[s + 1];
      b += w * data[s + 2];
    }
  }
  out[o] = r;
  out[o + 1] = g;
  out[o + 2] = b;
}

/** Limited-range Y, U, V of black: what a tap outside the frame reads, so that it converts to RGB 0. */
const BLACK_Y = 16;
const NEUTRAL_CHROMA = 128;

/**
 * Interpolating Y, U and V, then converting (BT.601, limited range: what ffmpeg's rgb24 output
 * used), equals interpolating the converted RGB up to clamping, since the conversion is linear.
 * Chroma is read at its own half-resolution position (centre-sited); U and V share the taps.
 */
function yuvSampler(img: Yuv420Image): Sampler {
  const { width, height, y: yPlane, u: uPlane, v: vPlane } = img;
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  return (x, y, out, o) => {
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const cx = (x + 0.5) / 2 - 0.5;
    const cy = (y + 0.5) / 2 - 0.5;
    const cx0 = Math.floor(cx);
    const cy0 = Math.floor(cy);
    let luma: number;
    let d: number;
    let e: number;
    // Away from the border (nearly every sample of a face crop) the taps need no bounds checks.
    if (x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height && cx0 >= 0 && cy0 >= 0 && cx0 + 1 < cw && cy0 + 1 < ch) {
      const fx = x - x0;
      const fy = y - y0;
      const i = y0 * width + x0;
      const top = yPlane[i] + fx * (yPlane[i + 1] - yPlane[i]);
      luma = top + fy * (yPlane[i + width] + fx * (yPlane[i + width + 1] - yPlane[i + width]) - top);
      const gx = cx - cx0;
      const gy = cy - cy0;
      const j = cy0 * cw + cx0;
      const uTop = uPlane[j] + gx * (uPlane[j + 1] - uPlane[j]);
      d = uTop + gy * (uPlane[j + cw] + gx * (uPlane[j + cw + 1] - uPlane[j + cw]) - uTop) - 128;
      const vTop = vPlane[j] + gx * (vPlane[j + 1] - vPlane[j]);
      e = vTop + gy * (vPlane[j + cw] + gx * (vPlane[j + cw + 1] - vPlane[j + cw]) - vTop) - 128;
    } else {
      luma = bilinearPlane(yPlane, width, height, x, y, BLACK_Y);
      d = bilinearPlane(uPlane, cw, ch, cx, cy, NEUTRAL_CHROMA) - 128;
      e = bilinearPlane(vPlane, cw, ch, cx, cy, NEUTRAL_CHROMA) - 128;
    }
    const c = 1.164383 * (luma - 16);
    out[o] = clamp255(c + 1.596027 * e);
    out[o + 1] = clamp255(c - 0.391762 * d - 0.812968 * e);
    out[o + 2] = clamp255(c + 2.017232 * d);
  };
}

/** One plane's bilinear value at (x, y); taps outside the plane read `outside`. */
function bilinearPlane(data: Uint8Array, w: number, h: number, x: number, y: number, outside: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const p00 = tap(data, w, h, x0, y0, outside);
  const p10 = tap(data, w, h, x0 + 1, y0, outside);
  const p01 = tap(data, w, h, x0, y0 + 1, outside);
  const p11 = tap(data, w, h, x0 + 1, y0 + 1, outside);
  const top = p00 + fx * (p10 - p00);
  return top + fy * (p01 + fx * (p11 - p01) - top);
}

function tap(data: Uint8Array, w: number, h: number, x: number, y: number, outside: number): number {
  return x >= 0 && x < w && y >= 0 && y < h ? data[y * w + x] : outside;
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
