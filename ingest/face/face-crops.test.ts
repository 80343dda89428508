/** Kept face crops: made later from a copied window, they equal the crops of the frame itself. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignmentMap } from './align-face.ts';
import { livenessMap } from './estimate-liveness.ts';
import { faceCrops, keepFaceCrops, type CropMaps } from './face-crops.ts';
import type { FaceCrops, FrameImage, RgbImage, Yuv420Image } from './face-types.ts';

/** Deterministic noise: every pixel differs from its neighbours, so a shifted read cannot pass. */
function noise(length: number, seed: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 255);
}

// Odd sizes: the last chroma column and row cover a single pixel.
const W = 201;
const H = 151;
const yuv: Yuv420Image = { width: W, height: H, y: noise(W * H, 1), u: noise(101 * 76, 2), v: noise(101 * 76, 3) };
const rgb: RgbImage = { width: W, height: H, data: noise(W * H * 3, 4) };

/** A face's maps: eyes, nose and mouth corners around (cx, cy), `size` pixels wide, turned by `angle`. */
function faceAt(image: FrameImage, cx: number, cy: number, size: number, angle: number): CropMaps {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  const points = [
    [-0.3, -0.2],
    [0.3, -0.2],
    [0, 0.05],
    [-0.25, 0.3],
    [0.25, 0.3],
  ].map(([x, y]): [number, number] => [cx + size * (c * x - s * y), cy + size * (s * x + c * y)]);
  const half = size / 2;
  return {
    aligned: alignmentMap(points),
    liveness: livenessMap(image, { x1: cx - half, y1: cy - half, x2: cx + half, y2: cy + half, score: 0.9 }),
  };
}

const placements: Array<[string, number, number, number, number]> = [
  ['in the middle', 100, 75, 40, 0.1],
  ['at the top-left corner, turned', 12, 10, 36, -0.5],
  ['half past the right edge', 196, 80, 50, 0.3],
  ['past the bottom edge', 90, 160, 30, 0],
  ['wholly outside the frame', -80, -60, 20, 0],
  // Sub-pixel positions, sizes and turns inside the frame: a window cut too close to the crops'
  // farthest points shows on some of them (the edge handling then reads the cut as an edge).
  ...Array.from({ length: 40 }, (_, i): [string, number, number, number, number] => {
    const r = noise(4, 100 + i);
    return [
      `at random spot ${i}`,
      60 + (r[0] / 255) * 80,
      50 + (r[1] / 255) * 50,
      12 + (r[2] / 255) * 20,
      (r[3] / 255 - 0.5) * 1.2,
    ];
  }),
];

function assertSameCrops(
  kept: FaceCrops,
  live: { aligned: Float32Array; liveness: Float32Array },
  label: string,
): void {
  for (const crop of ['aligned', 'liveness'] as const) {
    const [a, b] = [kept[crop](), live[crop]];
    assert.equal(a.length, b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    assert.ok(worst < 1e-3, `${crop} crop of a face ${label}: off by up to ${worst}`);
  }
}

for (const [kind, image] of [
  ['video frame (YUV 4:2:0)', yuv],
  ['photo (RGB)', rgb],
] as const) {
  test(`crops kept from a ${kind} equal the frame's own, edges included, after the frame is overwritten`, () => {
    for (const [label, cx, cy, size, angle] of placements) {
      const maps = faceAt(image, cx, cy, size, angle);
      const fromFrame = faceCrops(image, maps);
      const live = { aligned: fromFrame.aligned(), liveness: fromFrame.liveness() };
      assert.ok(live.aligned.some((v) => v > 0) || label.includes('outside'), `a face ${label} reads some pixels`);
      const kept = keepFaceCrops(image, maps);
      // The decoder reuses the frame's buffer for a later frame.
      const planes = 'y' in image ? [image.y, image.u, image.v] : [image.data];
      const saved = planes.map((p) => p.slice());
      planes.forEach((p) => p.fill(77));
      assertSameCrops(kept, live, label);
      planes.forEach((p, i) => p.set(saved[i]));
    }
  });
}
