/** Where a camera's picture changed between analysed frames: mean brightness of coarse cells compared with the frame before. */
import type { RgbImage } from './face-types.ts';

/**
 * Cell side in view pixels. The mean of a 16×16 cell averages pixel noise down 16-fold (sensor
 * noise of σ 10 grey levels leaves ~0.6), while a face of 16 view pixels walking through it moves
 * the mean by tens of levels.
 */
export const MOTION_CELL_PX = 16;

/** Long-lived per camera: remembers the previous frame's cell means. */
export class MotionCells {
  private previous: Float32Array | null = null;
  private cols = 0;
  private rows = 0;

  /**
   * Centres (view pixels) of the cells whose mean brightness moved by at least `minChange` grey
   * levels since the previous call; every cell on the first call or when the view's size changed.
   */
  changed(view: RgbImage, minChange: number): Array<[number, number]> {
    const cols = Math.ceil(view.width / MOTION_CELL_PX);
    const rows = Math.ceil(view.height / MOTION_CELL_PX);
    const means = cellMeans(view, cols, rows);
    const first = !this.previous || cols !== this.cols || rows !== this.rows;
    const out: Array<[number, number]> = [];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        if (first || Math.abs(means[i] - this.previous![i]) >= minChange) {
          out.push([
            Math.min(view.width - 1, (c + 0.5) * MOTION_CELL_PX),
            Math.min(view.height - 1, (r + 0.5) * MOTION_CELL_PX),
          ]);
        }
      }
    }
    this.previous = means;
    this.cols = cols;
    this.rows = rows;
    return out;
  }
}

/** Mean brightness ((R + 2G + B) / 4) of each cell, row-major. */
function cellMeans(view: RgbImage, cols: number, rows: number): Float32Array {
  const sums = new Float64Array(cols * rows);
  const counts = new Uint32Array(cols * rows);
  const { width, height, data } = view;
  for (let y = 0; y < height; y++) {
    const rowBase = Math.floor(y / MOTION_CELL_PX) * cols;
    let p = 3 * y * width;
    for (let x = 0; x < width; x++, p += 3) {
      const cell = rowBase + Math.floor(x / MOTION_CELL_PX);
      sums[cell] += data[p] + 2 * data[p + 1] + data[p + 2];
      counts[cell]++;
    }
  }
  const means = new Float32Array(cols * rows);
  for (let i = 0; i < means.length; i++) means[i] = sums[i] / (4 * counts[i]);
  return means;
}
