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
  const out = {
    width: s.width + 2 * m,
    height: s.height + 2 * m,
    data: new Float32Array(4 * (s.width + 2 * m) * (s.height + 2 * m)),
  };
  for (let i = 0; i < out.width * out.height; i++) {
    out.data[4 * i] = rgb[0];
    out.data[4 * i + 1] = rgb[1];
    out.data[4 * i + 2] = rgb[2];
    out.data[4 * i + 3] = 1;
  }
  for (let y = 0; y < s.height; y++)
    out.data.set(s.data.subarray(4 * y * s.width, 4 * (y + 1) * s.width), 4 * ((y + m) * out.width + m));
  return out;
}

/**
 * Print: a halftone dot screen of `pitchPx` on the brightness (ink dots larger where darker), ink
 * that cannot reach full black or saturation, on warm paper.
 */
export function printed(s: Sprite, pitchPx: number): Sprite {
  return mapPixels(s, (r, g, b, x, y, out) => {
    const grey = (r + g + b) / 3;
    const dot = 0.5 + 0.5 * Math.cos((2 * Math.PI * x) / pitchPx) * Math.cos((2 * Math.PI * y) / pitchPx);
    // Dark tones get more ink: the screen modulates them most.
    const ink = (1 - grey / 255) * 60 * (dot - 0.5);
    out[0] = 25 + 0.8 * (0.75 * r + 0.25 * grey) * (250 / 255) - ink;
    out[1] = 25 + 0.8 * (0.75 * g + 0.25 * grey) * (244 / 255) - ink;
    out[2] = 25 + 0.8 * (0.75 * b + 0.25 * grey) * (228 / 255) - ink;
  });
}

/**
 * Screen: RGB sub-pixel stripes of `pitchPx` and the moiré their beat with the camera's own pixel
 * grid draws (a slow, slanted ripple), brighter and bluer than a face in the room's light.
 */
export function onScreen(s: Sprite, pitchPx: number): Sprite {
  return mapPixels(s, (r, g, b, x, y, out) => {
    const phase = (2 * Math.PI * x) / pitchPx;
    const moire = 1 + 0.15 * Math.sin((2 * Math.PI * (0.94 * x + 0.34 * y)) / (4.3 * pitchPx));
    out[0] = (20 + 0.95 * r) * (1 + 0.22 * Math.cos(phase)) * moire;
    out[1] = (20 + 0.95 * g) * (1 + 0.22 * Math.cos(phase - (2 * Math.PI) / 3)) * moire;
    out[2] = (32 + 0.95 * b) * (1 + 0.22 * Math.cos(phase - (4 * Math.PI) / 3)) * moire;
  });
}

/**
 * Re-filmed: the picture seen again through a camera — softened (a box blur of `blurPx`), its
 * contrast curved, a glare across one corner.
 */
export function refilmed(s: Sprite, blurPx: number): Sprite {
  const soft = boxBlur(boxBlur(s, blurPx), blurPx);
  return mapPixels(soft, (r, g, b, x, y, out) => {
    const glare = 70 * Math.max(0, 1 - Math.hypot(x / s.width - 0.8, y / s.height - 0.2) / 0.45);
    out[0] = 255 * (Math.max(0, r) / 255) ** 1.25 + glare;
    out[1] = 255 * (Math.max(0, g) / 255) ** 1.25 + glare;
    out[2] = 255 * (Math.max(0, b) / 255) ** 1.25 + glare;
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
  const dst: Array<[number, number]> = [
    [0, 0],
    [outW, inset],
    [outW, h - inset],
    [0, h],
  ];
  const src: Array<[number, number]> = [
    [0, 0],
    [s.width, 0],
    [s.width, h],
    [0, h],
  ];
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = homography(dst, src);
  const out = { width: outW, height: h, data: new Float32Array(4 * outW * h) };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < outW; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const w = h6 * px + h7 * py + h8;
      const sx = (h0 * px + h1 * py + h2) / w;
      const sy = (h3 * px + h4 * py + h5) / w;
      if (sx < 0 || sy < 0 || sx >= s.width || sy >= h) continue;
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
  // A clamped view rounds and clips every store by itself.
  const out = new Uint8ClampedArray(canvas.data.buffer, canvas.data.byteOffset, canvas.data.length);
  const d = s.data;
  for (let y = Math.max(0, -y0); y < s.height && y0 + y < canvas.height; y++) {
    for (let x = Math.max(0, -x0); x < s.width && x0 + x < canvas.width; x++) {
      const i = 4 * (y * s.width + x);
      const a = d[i + 3];
      if (a <= 0) continue;
      const o = 3 * ((y0 + y) * canvas.width + x0 + x);
      out[o] = a * d[i] + (1 - a) * out[o];
      out[o + 1] = a * d[i + 1] + (1 - a) * out[o + 1];
      out[o + 2] = a * d[i + 2] + (1 - a) * out[o + 2];
    }
  }
}

/** Writes the new colour of pixel (x, y) into `out`. */
type PixelFn = (r: number, g: number, b: number, x: number, y: number, out: Float32Array) => void;

function mapPixels(s: Sprite, fn: PixelFn): Sprite {
  const data = s.data.slice();
  const rgb = new Float32Array(3);
  for (let y = 0; y < s.height; y++) {
    for (let x = 0; x < s.width; x++) {
      const i = 4 * (y * s.width + x);
      fn(data[i], data[i + 1], data[i + 2], x, y, rgb);
      data[i] = clamp(rgb[0]);
      data[i + 1] = clamp(rgb[1]);
      data[i + 2] = clamp(rgb[2]);
    }
  }
  return { ...s, data };
}

/** A box blur of radius `radius` (rows, then columns), by running sums; edges average what lies inside. */
function boxBlur(s: Sprite, radius: number): Sprite {
  const r = Math.max(0, Math.round(radius));
  if (r === 0) return s;
  const pass = (src: Float32Array, along: number, lines: number, stride: number, lineStride: number): Float32Array => {
    const out = new Float32Array(src.length);
    for (let line = 0; line < lines; line++) {
      const base = line * lineStride;
      for (let k = 0; k < 4; k++) {
        let sum = 0;
        for (let j = 0; j <= Math.min(r, along - 1); j++) sum += src[base + j * stride + k];
        for (let i = 0; i < along; i++) {
          const lo = Math.max(0, i - r);
          const hi = Math.min(along - 1, i + r);
          out[base + i * stride + k] = sum / (hi - lo + 1);
          if (i + r + 1 < along) sum += src[base + (i + r + 1) * stride + k];
          if (i - r >= 0) sum -= src[base + (i - r) * stride + k];
        }
      }
    }
    return out;
  };
  const rows = pass(s.data, s.width, s.height, 4, 4 * s.width);
  return { ...s, data: pass(rows, s.height, s.width, 4 * s.width, 4) };
}

function bilinear(s: Sprite, x: number, y: number, out: Float32Array, o: number): void {
  const xi = Math.max(0, Math.min(s.width - 2, Math.floor(x)));
  const yi = Math.max(0, Math.min(s.height - 2, Math.floor(y)));
  const fx = Math.max(0, Math.min(1, x - xi));
  const fy = Math.max(0, Math.min(1, y - yi));
  const a = 4 * (yi * s.width + xi);
  const b = a + 4 * s.width;
  const d = s.data;
  for (let k = 0; k < 4; k++) {
    out[o + k] = (1 - fy) * ((1 - fx) * d[a + k] + fx * d[a + 4 + k]) + fy * ((1 - fx) * d[b + k] + fx * d[b + 4 + k]);
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
