/** Crops and resizes regions of an RGB image in plain JS (faster than a sharp round trip per face). */
import type { RgbImage } from './face-types.ts';

/**
 * Bilinear sample of all three channels at (x, y) (pixel-centre coordinates) into out[o..o+2];
 * pixels outside the image count as 0 (black), like OpenCV's constant border.
 */
export function sampleBilinear(img: RgbImage, x: number, y: number, out: Float32Array, o: number): void {
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

/** Per output index: the source indices it reads and their weights (in-bounds taps only). */
interface Taps {
  index: Int32Array[];
  weight: Float32Array[];
}

/**
 * 1-D resampling weights for output cells of `step` source pixels starting at `start`:
 * area coverage when shrinking (like OpenCV's INTER_AREA, so large faces are not aliased),
 * linear interpolation when enlarging. Source indices outside [0, size) are dropped (black).
 */
function taps(start: number, step: number, count: number, size: number): Taps {
  const index: Int32Array[] = [];
  const weight: Float32Array[] = [];
  for (let u = 0; u < count; u++) {
    const idx: number[] = [];
    const wts: number[] = [];
    if (step >= 1) {
      const a = start + u * step;
      const b = a + step;
      for (let i = Math.floor(a); i < b; i++) {
        const cover = Math.min(b, i + 1) - Math.max(a, i);
        if (cover > 0 && i >= 0 && i < size) {
          idx.push(i);
          wts.push(cover / step);
        }
      }
    } else {
      const c = start + (u + 0.5) * step - 0.5;
      const i0 = Math.floor(c);
      const f = c - i0;
      for (const [i, w] of [[i0, 1 - f], [i0 + 1, f]]) {
        if (i >= 0 && i < size && w > 0) {
          idx.push(i);
          wts.push(w);
        }
      }
    }
    index.push(Int32Array.from(idx));
    weight.push(Float32Array.from(wts));
  }
  return { index, weight };
}

/**
 * Resamples the rectangle (left, top, width, height) — which may reach outside the image — to
 * outW×outH, RGB interleaved, values 0..255. Separable: rows first, then columns.
 */
export function resampleRegion(
  img: RgbImage,
  left: number,
  top: number,
  width: number,
  height: number,
  outW: number,
  outH: number,
): Float32Array {
  const tx = taps(left, width / outW, outW, img.width);
  const ty = taps(top, height / outH, outH, img.height);
  const rowCache = new Map<number, Float32Array>();
  const resampledRow = (y: number): Float32Array => {
    let row = rowCache.get(y);
    if (row) return row;
    row = new Float32Array(outW * 3);
    const base = y * img.width * 3;
    for (let u = 0; u < outW; u++) {
      const idx = tx.index[u];
      const wts = tx.weight[u];
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < idx.length; k++) {
        const s = base + idx[k] * 3;
        r += wts[k] * img.data[s];
        g += wts[k] * img.data[s + 1];
        b += wts[k] * img.data[s + 2];
      }
      row[3 * u] = r;
      row[3 * u + 1] = g;
      row[3 * u + 2] = b;
    }
    rowCache.set(y, row);
    return row;
  };
  const out = new Float32Array(outW * outH * 3);
  for (let v = 0; v < outH; v++) {
    const idx = ty.index[v];
    const wts = ty.weight[v];
    const o = v * outW * 3;
    for (let k = 0; k < idx.length; k++) {
      const row = resampledRow(idx[k]);
      const w = wts[k];
      for (let i = 0; i < outW * 3; i++) out[o + i] += w * row[i];
    }
  }
  return out;
}
