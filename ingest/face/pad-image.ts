/** Adds a replicated border around an image, for tightly cropped faces the detector cannot see. */
import type { RgbImage } from './face-types.ts';

/** Returns the image with `pad` pixels on every side, each border pixel copying the nearest edge pixel. */
export function padImage(image: RgbImage, pad: number): RgbImage {
  const width = image.width + 2 * pad;
  const height = image.height + 2 * pad;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, y - pad));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, Math.max(0, x - pad));
      const s = (sy * image.width + sx) * 3;
      const o = (y * width + x) * 3;
      data[o] = image.data[s];
      data[o + 1] = image.data[s + 1];
      data[o + 2] = image.data[s + 2];
    }
  }
  return { width, height, data };
}
