/** Motion cells: the first frame is all motion; then only cells whose mean brightness moved, not pixel noise. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MotionCells } from './find-motion-cells.ts';

function view(width: number, height: number, fill: (x: number, y: number) => number) {
  const data = new Uint8Array(3 * width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.fill(fill(x, y), 3 * (y * width + x), 3 * (y * width + x) + 3);
  return { width, height, data };
}

test('the first frame is all motion; noise is not; a small bright patch moving is, in its cells only', () => {
  const cells = new MotionCells();
  let seed = 1;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 21) - 10;
  assert.equal(
    cells.changed(
      view(64, 48, () => 100 + noise()),
      4,
    ).length,
    4 * 3,
    'first frame',
  );
  assert.deepEqual(
    cells.changed(
      view(64, 48, () => 100 + noise()),
      4,
    ),
    [],
    'pixel noise of ±10 averages out in a 16×16 cell',
  );
  const patch = cells.changed(
    view(64, 48, (x, y) => (x >= 20 && x < 28 && y >= 20 && y < 28 ? 200 : 100 + noise())),
    4,
  );
  assert.deepEqual(patch, [[24, 24]], 'the 8×8 patch lies in one cell, centred at 24,24');
});

test('a view of another size starts over: all motion', () => {
  const cells = new MotionCells();
  cells.changed(
    view(32, 32, () => 50),
    4,
  );
  assert.equal(
    cells.changed(
      view(48, 32, () => 50),
      4,
    ).length,
    3 * 2,
  );
});
