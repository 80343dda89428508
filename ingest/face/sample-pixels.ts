/** Bilinear reads of RGB photos and YUV 4:2:0 video frames through an affine map: the face crops' one way to touch pixels. */
import { isYuv420, type FrameImage, type RgbImage, type Yuv420Image } from './face-types.ts';

/**
 * Where output pixel (u, v) reads the source, in pixel-centre coordinates:
 * x = xu·u + xv·v + x0, y = yu·u + yv·v + y0. A resize is one, so is a face alignment.
 */
export interface AffineMap {
  xu: number;
  xv: number;
  x0: number;
  yu: number;
  yv: number;
  y0: number;
}

/**
 * The map of the region (left, top, width, height) resized to outW×outH as cv.resize's default
 * INTER_LINEAR does (no area averaging: 4 taps per output pixel, however large the region) —
 * as the model packages preprocess, at a cost that does not grow with the face.
 */
export function regionMap(
  left: number,
  top: number,
  width: number,
  height: number,
  outW: number,
  outH: number,
): AffineMap {
  const sx = width / outW;
  const sy = height / outH;
  return { xu: sx, xv: 0, x0: left + 0.5 * sx - 0.5, yu: 0, yv: sy, y0: top + 0.5 * sy - 0.5 };
}

/** outW×outH RGB interleaved, 0..255, each pixel a bilinear read at its mapped point; outside the image is black (OpenCV's constant border). */
export function sampleAffine(img: FrameImage, map: AffineMap, outW: number, outH: number): Float32Array {
  const out = new Float32Array(outW * outH * 3);
  if (isYuv420(img)) yuvRgb(img, map, outW, outH, out);
  else {
    for (let v = 0; v < outH; v++) {
      for (let u = 0; u < outW; u++)
        rgbAt(img, map.xu * u + map.xv * v + map.x0, map.yu * u + map.yv * v + map.y0, out, 3 * (v * outW + u));
    }
  }
  return out;
}

function yuvRgb(img: Yuv420Image, map: AffineMap, outW: number, outH: number, out: Float32Array): void {
  const { width: w, height: h } = img;
  const safe = mapsInside(map, outW, outH, w, h);
  const { xu, xv, x0: mx, yu, yv, y0: my } = map;
  let o = 0;
  for (let v = 0; v < outH; v++) {
    // Stepping along each row rather than mapping every pixel (and truncating in yuvRgbAt): the
    // crop is ~1.5× faster.
    let x = xv * v + mx;
    let y = yv * v + my;
    if (safe) {
      for (let u = 0; u < outW; u++, o += 3, x += xu, y += yu) yuvRgbAt(img, x, y, out, o);
    } else {
      for (let u = 0; u < outW; u++, o += 3, x += xu, y += yu) {
        if (inside(x, y, w, h)) yuvRgbAt(img, x, y, out, o);
        else yuvAt(img, x, y, out, o);
      }
    }
  }
}

/**
 * One pixel of yuvRgb whose taps are all inside the frame (so x, y ≥ 0: truncation floors).
 * Interpolating Y, U and V, then converting, equals interpolating the converted RGB up to
 * clamping (the conversion is linear). U and V share their taps.
 */
function yuvRgbAt(img: Yuv420Image, x: number, y: number, out: Float32Array, o: number): void {
  const w = img.width;
  const cw = (w + 1) >> 1;
  const x0 = x | 0;
  const y0 = y | 0;
  const luma = blend(img.y, y0 * w + x0, w, x - x0, y - y0);
  const cx = 0.5 * x - 0.25;
  const cy = 0.5 * y - 0.25;
  const cx0 = cx | 0;
  const cy0 = cy | 0;
  const j = cy0 * cw + cx0;
  toRgb(luma, blend(img.u, j, cw, cx - cx0, cy - cy0), blend(img.v, j, cw, cx - cx0, cy - cy0), out, o);
}

/**
 * The grey (luma 0.299R + 0.587G + 0.114B, 0..255) of sampleAffine. A video frame's Y plane
 * already is that luma, in limited range: it is only stretched, no RGB is made.
 */
export function sampleAffineGrey(img: FrameImage, map: AffineMap, outW: number, outH: number): Float32Array {
  const grey = new Float32Array(outW * outH);
  if (isYuv420(img)) yuvGrey(img, map, outW, outH, grey);
  else rgbGrey(img, map, outW, outH, grey);
  return grey;
}

function yuvGrey(img: Yuv420Image, map: AffineMap, outW: number, outH: number, grey: Float32Array): void {
  const { width: w, height: h, y: plane } = img;
  const { xu, xv, x0: mx, yu, yv, y0: my } = map;
  let o = 0;
  for (let v = 0; v < outH; v++) {
    let x = xv * v + mx;
    let y = yv * v + my;
    for (let u = 0; u < outW; u++, o++, x += xu, y += yu) {
      let luma: number;
      if (x >= 0 && y >= 0 && x < w - 1 && y < h - 1) {
        const x0 = x | 0;
        const y0 = y | 0;
        luma = blend(plane, y0 * w + x0, w, x - x0, y - y0);
      } else {
        luma = bilinearPlane(plane, w, h, x, y, BLACK_Y);
      }
      grey[o] = clamp255((luma - 16) * LIMITED_TO_FULL);
    }
  }
}

/** Stretches limited-range luma (16..235) to 0..255. */
const LIMITED_TO_FULL = 255 / 219;

function rgbGrey(img: RgbImage, map: AffineMap, outW: number, outH: number, grey: Float32Array): void {
  const rgb = new Float32Array(3);
  for (let v = 0; v < outH; v++) {
    for (let u = 0; u < outW; u++) {
      rgbAt(img, map.xu * u + map.xv * v + map.x0, map.yu * u + map.yv * v + map.y0, rgb, 0);
      grey[v * outW + u] = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    }
  }
}

/** Limited-range Y of black: what a grey tap outside the frame reads, so that it stretches to 0. */
const BLACK_Y = 16;

/**
 * Whether every luma and chroma tap of (x, y) is inside the frame. Chroma sits at half resolution,
 * centre-sited: cx = (x + 0.5) / 2 − 0.5, whose taps are inside for x in [0.5, 2·⌈w/2⌉ − 1.5).
 */
function inside(x: number, y: number, w: number, h: number): boolean {
  return x >= 0.5 && y >= 0.5 && x < w - 1.5 && y < h - 1.5;
}

/** Whether a whole output maps inside the frame: an affine image of a rectangle lies within its corners' hull. */
function mapsInside(m: AffineMap, outW: number, outH: number, w: number, h: number): boolean {
  for (const [u, v] of [
    [0, 0],
    [outW - 1, 0],
    [0, outH - 1],
    [outW - 1, outH - 1],
  ]) {
    if (!inside(m.xu * u + m.xv * v + m.x0, m.yu * u + m.yv * v + m.y0, w, h)) return false;
  }
  return true;
}

/**
 * One pixel of yuvRgb anywhere, with the RGB path's border: luma taps outside the frame are black
 * (they scale the colour down), chroma is read from the nearest edge (a decoder's chroma for the
 * frame's own edge pixels lies partly beyond them).
 */
function yuvAt(img: Yuv420Image, x: number, y: number, out: Float32Array, o: number): void {
  const { width: w, height: h } = img;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  let sum = 0;
  let weight = 0;
  for (const [dx, dy, tapWeight] of [
    [0, 0, (1 - fx) * (1 - fy)],
    [1, 0, fx * (1 - fy)],
    [0, 1, (1 - fx) * fy],
    [1, 1, fx * fy],
  ]) {
    const [tx, ty] = [x0 + dx, y0 + dy];
    if (tapWeight === 0 || tx < 0 || ty < 0 || tx >= w || ty >= h) continue;
    sum += tapWeight * img.y[ty * w + tx];
    weight += tapWeight;
  }
  if (weight === 0) {
    out.fill(0, o, o + 3);
    return;
  }
  const cw = (w + 1) >> 1;
  const ch = (h + 1) >> 1;
  const cx = Math.min(cw - 1, Math.max(0, 0.5 * x - 0.25));
  const cy = Math.min(ch - 1, Math.max(0, 0.5 * y - 0.25));
  toRgb(sum / weight, bilinearPlane(img.u, cw, ch, cx, cy, 0), bilinearPlane(img.v, cw, ch, cx, cy, 0), out, o);
  for (let c = o; c < o + 3; c++) out[c] *= weight;
}

function toRgb(luma: number, u: number, v: number, out: Float32Array, o: number): void {
  const c = 1.164383 * (luma - 16);
  const d = u - 128;
  const e = v - 128;
  out[o] = clamp255(c + 1.596027 * e);
  out[o + 1] = clamp255(c - 0.391762 * d - 0.812968 * e);
  out[o + 2] = clamp255(c + 2.017232 * d);
}

/** Bilinear blend of the 2×2 taps data[i], data[i + 1], data[i + stride], data[i + stride + 1]. */
function blend(data: Uint8Array, i: number, stride: number, fx: number, fy: number): number {
  const top = data[i] + fx * (data[i + 1] - data[i]);
  return top + fy * (data[i + stride] + fx * (data[i + stride + 1] - data[i + stride]) - top);
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

/** Bilinear RGB at (x, y); taps outside the image are dropped (they read as black). */
function rgbAt(img: RgbImage, x: number, y: number, out: Float32Array, o: number): void {
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

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
