/** Crops and resizes regions of an RGB image in plain JS (faster than a sharp round trip per face). */
import type { RgbImage } from './face-types.ts';

/**
 * Per output index u: the source indices it reads, idx[start[u]..start[u+1]), and their weights
 * (in-bounds taps only). Flat typed arrays: the resampler's inner loops then stay monomorphic.
 */
interface Taps {
  start: Int32Array;
  idx: Int32Array;
  weight: Float32Array;
}

/**
 * 1-D resampling weights for output cells of `step` source pixels starting at `start`:
 * area coverage when shrinking (like OpenCV's INTER_AREA, so large faces are not aliased),
 * linear interpolation when enlarging. Source indices outside [0, size) are dropped (black).
 */
function taps(start: number, step: number, count: number, size: number): Taps {
  const starts = new Int32Array(count + 1);
  const idx = new Int32Array(count * (Math.ceil(step) + 2));
  const weight = new Float32Array(idx.length);
  let n = 0;
  const add = (i: number, w: number) => {
    idx[n] = i;
    weight[n++] = w;
  };
  for (let u = 0; u < count; u++) {
    starts[u] = n;
    if (step >= 1) {
      const a = start + u * step;
      const b = a + step;
      for (let i = Math.floor(a); i < b; i++) {
        const cover = Math.min(b, i + 1) - Math.max(a, i);
        if (cover > 0 && i >= 0 && i < size) add(i, cover / step);
      }
    } else {
      const c = start + (u + 0.5) * step - 0.5;
      const i0 = Math.floor(c);
      const f = c - i0;
      if (i0 >= 0 && i0 < size && 1 - f > 0) add(i0, 1 - f);
      if (i0 + 1 >= 0 && i0 + 1 < size && f > 0) add(i0 + 1, f);
    }
  }
  starts[count] = n;
  return { start: starts, idx, weight };
}

/** Source row at `base` resampled horizontally into `row` (outW RGB triples). */
function resampleRow(data: Uint8Array, base: number, tx: Taps, outW: number, row: Float32Array): void {
  const { start, idx, weight } = tx;
  for (let u = 0; u < outW; u++) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let k = start[u], end = start[u + 1]; k < end; k++) {
      const s = base + idx[k] * 3;
      const w = weight[k];
      r += w * data[s];
      g += w * data[s + 1];
      b += w * data[s + 2];
    }
    row[3 * u] = r;
    row[3 * u + 1] = g;
    row[3 * u + 2] = b;
  }
}

/**
 * Resamples the rectangle (left, top, width, height) — which may reach outside the image — to
 * outW×outH, RGB interleaved, values 0..255. Separable: rows first, then columns. Hot: it runs
 * for every face crop of every analysed video frame, so each source row is resampled once, into
 * one of two reused row buffers (output rows read ascending source rows, and consecutive output
 * rows share at most two), never into a fresh allocation.
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
  const data = img.data;
  const rowStride = img.width * 3;
  const rowLen = outW * 3;
  const rows = [new Float32Array(rowLen), new Float32Array(rowLen)];
  const rowOf = [-1, -1];
  let recent = 0;
  const out = new Float32Array(outW * outH * 3);
  for (let v = 0; v < outH; v++) {
    const o = v * rowLen;
    for (let k = ty.start[v], end = ty.start[v + 1]; k < end; k++) {
      const y = ty.idx[k];
      let slot = rowOf[0] === y ? 0 : rowOf[1] === y ? 1 : -1;
      if (slot < 0) {
        slot = 1 - recent;
        rowOf[slot] = y;
        resampleRow(data, y * rowStride, tx, outW, rows[slot]);
      }
      recent = slot;
      const row = rows[slot];
      const w = ty.weight[k];
      for (let i = 0; i < rowLen; i++) out[o + i] += w * row[i];
    }
  }
  return out;
}
