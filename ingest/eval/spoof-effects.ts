/**
 * What turns a face photo into the picture of a spoof held up to a camera — printed paper, a phone
 * screen, a photo on a tilted plane, a re-filmed replay — and how either is laid onto a scene.
 * Pure pixel arithmetic on small sprites, for the liveness calibration.
 */
import type { RgbImage } from '../face/face-types.ts';
import { resampleRegion } from '../face/resample-region.ts';

/** RGBA pixels, colour 0..255 and alpha 0..1, interleaved. */
export interface Sprite {
  width: number;
  height: number;
  data: Float32Array;
}

/** A rectangle of a photo, in its pixels. */
export interface PhotoRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** `region` of the photo resized to `height` (area-averaged when shrinking, aspect kept), opaque. */
export function spriteOf(photo: RgbImage, region: PhotoRegion, height: number): Sprite {
  const h = Math.max(2, Math.round(height));
  const w = Math.max(2, Math.round((region.width * h) / region.height));
  const rgb = resampleRegion(photo, region.x, region.y, region.width, region.height, w, h);
  const data = new Float32Array(4 * w * h);
  for (let i = 0; i < w * h; i++) {
    data.set(rgb.subarray(3 * i, 3 * i + 3), 4 * i);
    data[4 * i + 3] = 1;
  }
  return { width: w, height: h, data };
}

/** A margin of `fraction` of the long side in `rgb` around the sprite: paper's white edge, a phone's bezel. */
export function withBorder(s: Sprite, fraction: number, rgb: [number, number, number]): Sprite {
  const m = Math.max(1, Math.round(fraction * Math.max(s.width, s.height)));
  const out = { width: s.width + 2 * m, height: s.height + 2 * m, data: new Float32Array(4 * (s.width + 2 * m) * (s.height + 2 * m)) };
  for (let i = 0; i < out.width * out.height; i++) out.data.set([...rgb, 1], 4 * i);
  for (let y = 0; y < s.height; y++) out.data.set(s.data.subarray(4 * y * s.width, 4 * (y + 1) * s.width), 4 * ((y + m) * out.width + m));
  return out;
}

/**
 * Print: a halftone dot screen of `pitchPx` on the brightness (ink dots larger where darker), ink
 * that cannot reach full black or saturation, on warm paper.
 */
export function printed(s: Sprite, pitchPx: number): Sprite {
  return mapPixels(s, (r, g, b, x, y) => {
    const grey = (r + g + b) / 3;
    const dot = 0.5 + 0.5 * Math.cos((2 * Math.PI * x) / pitchPx) * Math.cos((2 * Math.PI * y) / pitchPx);
    // Dark tones get more ink: the screen modulates them most.
    const ink = (1 - grey / 255) * 60 * (dot - 0.5);
    const tone = (c: number, paper: number) => 25 + 0.8 * (0.75 * c + 0.25 * grey) * (paper / 255) - ink;
    return [tone(r, 250), tone(g, 244), tone(b, 228)];
  });
}

/**
 * Screen: RGB sub-pixel stripes of `pitchPx` and the moiré their beat with the camera's own pixel
 * grid draws (a slow, slanted ripple), brighter and bluer than a face in the room's light.
 */
export function onScreen(s: Sprite, pitchPx: number): Sprite {
  return mapPixels(s, (r, g, b, x, y) => {
    const phase = (2 * Math.PI * x) / pitchPx;
    const stripe = (k: number) => 1 + 0.22 * Math.cos(phase - (2 * Math.PI * k) / 3);
    const moire = 1 + 0.15 * Math.sin((2 * Math.PI * (0.94 * x + 0.34 * y)) / (4.3 * pitchPx));
    return [(20 + 0.95 * r) * stripe(0) * moire, (20 + 0.95 * g) * stripe(1) * moire, (32 + 0.95 * b) * stripe(2) * moire];
  });
}

/**
 * Re-filmed: the picture seen again through a camera — softened (a box blur of `blurPx`), its
 * contrast curved, a glare across one corner.
 */
export function refilmed(s: Sprite, blurPx: number): Sprite {
  const soft = boxBlur(boxBlur(s, blurPx), blurPx);
  return mapPixels(soft, (r, g, b, x, y) => {
    const glare = 70 * Math.max(0, 1 - Math.hypot(x / s.width - 0.8, y / s.height - 0.2) / 0.45);
    const curve = (c: number) => 255 * (Math.max(0, c) / 255) ** 1.25 + glare;
    return [curve(r), curve(g), curve(b)];
  });
}

/**
 * The sprite on a plane turned by `turn` (0..0.6) about its vertical axis, the far side away from
 * the camera: that side shrinks and the picture narrows, as a photo or phone held at an angle.
 */
export function tilted(s: Sprite, turn: number): Sprite {
  const { width: w, height: h } = s;
  const outW = Math.max(2, Math.round(w * (1 - turn / 2)));
  const inset = (turn * h) / 4;
  // Output corners of the source's (0,0), (w,0), (w,h), (0,h): the right side is the far one.
  const dst: Array<[number, number]> = [[0, 0], [outW, inset], [outW, h - inset], [0, h]];
  const src: Array<[number, number]> = [[0, 0], [w, 0], [w, h], [0, h]];
  const toSource = homography(dst, src);
  const out = { width: outW, height: h, data: new Float32Array(4 * outW * h) };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < outW; x++) {
      const [sx, sy] = apply(toSource, x + 0.5, y + 0.5);
      if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
      bilinear(s, sx - 0.5, sy - 0.5, out.data, 4 * (y * outW + x));
    }
  }
  return out;
}

/** Alpha fading to 0 over `fraction` of the short side at every edge: a photo laid into a scene without its rectangle's edge. */
export function feathered(s: Sprite, fraction: number): Sprite {
  const band = Math.max(1, fraction * Math.min(s.width, s.height));
  const data = s.data.slice();
  for (let y = 0; y < s.height; y++) {
    for (let x = 0; x < s.width; x++) {
      const d = Math.min(x + 0.5, y + 0.5, s.width - x - 0.5, s.height - y - 0.5);
      const t = Math.min(1, d / band);
      data[4 * (y * s.width + x) + 3] *= t * t * (3 - 2 * t);
    }
  }
  return { ...s, data };
}

/** Lays the sprite onto an RGB canvas with its top-left at (left, top), by its alpha; clipped at the canvas edge. */
export function blit(canvas: RgbImage, s: Sprite, left: number, top: number): void {
  const x0 = Math.round(left);
  const y0 = Math.round(top);
  for (let y = Math.max(0, -y0); y < s.height && y0 + y < canvas.height; y++) {
    for (let x = Math.max(0, -x0); x < s.width && x0 + x < canvas.width; x++) {
      const i = 4 * (y * s.width + x);
      const a = s.data[i + 3];
      if (a <= 0) continue;
      const o = 3 * ((y0 + y) * canvas.width + x0 + x);
      for (let k = 0; k < 3; k++) canvas.data[o + k] = Math.max(0, Math.min(255, Math.round(a * s.data[i + k] + (1 - a) * canvas.data[o + k])));
    }
  }
}

type PixelFn = (r: number, g: number, b: number, x: number, y: number) => [number, number, number];

function mapPixels(s: Sprite, fn: PixelFn): Sprite {
  const data = s.data.slice();
  for (let y = 0; y < s.height; y++) {
    for (let x = 0; x < s.width; x++) {
      const i = 4 * (y * s.width + x);
      const [r, g, b] = fn(data[i], data[i + 1], data[i + 2], x, y);
      data[i] = clamp(r);
      data[i + 1] = clamp(g);
      data[i + 2] = clamp(b);
    }
  }
  return { ...s, data };
}

function boxBlur(s: Sprite, radius: number): Sprite {
  const r = Math.max(0, Math.round(radius));
  if (r === 0) return s;
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const out = new Float32Array(src.length);
    const [n, m] = horizontal ? [s.height, s.width] : [s.width, s.height];
    for (let line = 0; line < n; line++) {
      for (let i = 0; i < m; i++) {
        const lo = Math.max(0, i - r);
        const hi = Math.min(m - 1, i + r);
        for (let k = 0; k < 4; k++) {
          let sum = 0;
          for (let j = lo; j <= hi; j++) sum += src[4 * (horizontal ? line * m + j : j * n + line) + k];
          out[4 * (horizontal ? line * m + i : i * n + line) + k] = sum / (hi - lo + 1);
        }
      }
    }
    return out;
  };
  return { ...s, data: pass(pass(s.data, true), false) };
}

function bilinear(s: Sprite, x: number, y: number, out: Float32Array, o: number): void {
  const xi = Math.max(0, Math.min(s.width - 2, Math.floor(x)));
  const yi = Math.max(0, Math.min(s.height - 2, Math.floor(y)));
  const fx = Math.max(0, Math.min(1, x - xi));
  const fy = Math.max(0, Math.min(1, y - yi));
  for (let k = 0; k < 4; k++) {
    const at = (dx: number, dy: number) => s.data[4 * ((yi + dy) * s.width + xi + dx) + k];
    out[o + k] = (1 - fy) * ((1 - fx) * at(0, 0) + fx * at(1, 0)) + fy * ((1 - fx) * at(0, 1) + fx * at(1, 1));
  }
}

/** The 3×3 projective map (row-major, h33 = 1) taking each `from` corner to its `to` corner. */
export function homography(from: Array<[number, number]>, to: Array<[number, number]>): number[] {
  const a: number[][] = [];
  from.forEach(([x, y], i) => {
    const [u, v] = to[i];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  });
  // Gauss-Jordan elimination with partial pivoting on the 8×9 augmented matrix.
  for (let c = 0; c < 8; c++) {
    const p = a.slice(c).reduce((best, row, i) => (Math.abs(row[c]) > Math.abs(a[best][c]) ? c + i : best), c);
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k < 9; k++) a[r][k] -= f * a[c][k];
    }
  }
  return [...a.map((row, i) => row[8] / row[i]), 1];
}

/** Applies a homography to a point. */
export function apply(h: number[], x: number, y: number): [number, number] {
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, v));
}
