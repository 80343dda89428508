/** Spoof effects: the geometry is right (homography, tilt, feather, blit) and the textures are periodic where they should be. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  apply,
  blit,
  feathered,
  homography,
  onScreen,
  printed,
  spriteOf,
  tilted,
  withBorder,
} from './spoof-effects.ts';

const grey = (w: number, h: number, v = 128) =>
  spriteOf({ width: w, height: h, data: new Uint8Array(3 * w * h).fill(v) }, { x: 0, y: 0, width: w, height: h }, h);

test('a homography takes each corner to its partner', () => {
  const from: Array<[number, number]> = [
    [0, 0],
    [100, 0],
    [100, 80],
    [0, 80],
  ];
  const to: Array<[number, number]> = [
    [3, 1],
    [90, 12],
    [95, 70],
    [-2, 77],
  ];
  const h = homography(from, to);
  from.forEach(([x, y], i) => {
    const [u, v] = apply(h, x, y);
    assert.ok(Math.abs(u - to[i][0]) < 1e-6 && Math.abs(v - to[i][1]) < 1e-6, `corner ${i}`);
  });
});

test('a tilted picture is narrower, its far side shorter (transparent above and below it)', () => {
  const t = tilted(grey(100, 80), 0.4);
  assert.equal(t.width, 80);
  const alphaAt = (x: number, y: number) => t.data[4 * (y * t.width + x) + 3];
  assert.equal(alphaAt(1, 1), 1, 'near side: full height');
  assert.equal(alphaAt(t.width - 1, 1), 0, 'far side: shorter');
  assert.equal(alphaAt(t.width - 1, 40), 1);
});

test('a border grows the picture; feathering fades its edges and keeps its middle', () => {
  const b = withBorder(grey(50, 50), 0.1, [255, 255, 255]);
  assert.deepEqual([b.width, b.height, b.data[0]], [60, 60, 255]);
  const f = feathered(grey(50, 50), 0.2);
  assert.ok(f.data[3] < 0.05, 'corner nearly transparent');
  assert.equal(f.data[4 * (25 * 50 + 25) + 3], 1, 'middle opaque');
});

test('print and screen textures repeat with their pitch', () => {
  const print = printed(grey(30, 30, 100), 3);
  const g = (x: number) => print.data[4 * (10 * 30 + x) + 1];
  assert.ok(Math.abs(g(1) - g(0)) > 3 && Math.abs(g(3) - g(0)) < 1e-3, 'halftone dots every 3 pixels');
  const screen = onScreen(grey(30, 30, 100), 3);
  // The moiré scales all three channels alike; the sub-pixel stripes shift their balance every pixel.
  const redOverGreen = (x: number) => screen.data[4 * (10 * 30 + x)] / screen.data[4 * (10 * 30 + x) + 1];
  assert.ok(
    Math.abs(redOverGreen(1) - redOverGreen(0)) > 0.1 && Math.abs(redOverGreen(3) - redOverGreen(0)) < 1e-3,
    'RGB stripes every 3 pixels',
  );
  assert.notEqual(screen.data[4 * (10 * 30)], screen.data[4 * (10 * 30 + 6)], 'and a moiré across them');
});

test('blit lays a sprite by its alpha and clips at the canvas edge', () => {
  const canvas = { width: 10, height: 10, data: new Uint8Array(300) };
  blit(canvas, grey(4, 4, 200), 8, 8);
  assert.equal(canvas.data[3 * (9 * 10 + 9)], 200);
  assert.equal(canvas.data[3 * (7 * 10 + 7)], 0, 'outside the sprite untouched');
});
