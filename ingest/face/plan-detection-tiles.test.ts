/** Tile layout: every face up to half a tile lies whole in some tile; a face cut by an inner edge is recognised as cut. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCutByTileEdge, mostCentralTile, planDetectionTiles } from './plan-detection-tiles.ts';

const TILE = { width: 320, height: 240 };

test('a 720p frame at scale 2 (a 640×360 view) gets 3×2 tiles flush with the edges, overlapping by half a tile', () => {
  const tiles = planDetectionTiles(640, 360, TILE);
  assert.deepEqual(
    tiles.map((t) => [t.x, t.y]),
    [
      [0, 0],
      [160, 0],
      [320, 0],
      [0, 120],
      [160, 120],
      [320, 120],
    ],
  );
  for (const t of tiles) assert.deepEqual([t.width, t.height], [320, 240]);
});

test('every face up to half a tile, anywhere in the view, lies whole inside some tile', () => {
  for (const [w, h] of [
    [640, 360],
    [960, 540],
    [500, 300],
    [1280, 720],
  ]) {
    const tiles = planDetectionTiles(w, h, TILE);
    for (let x = 0; x + 160 <= w; x += 7) {
      for (let y = 0; y + 120 <= h; y += 7) {
        const whole = tiles.some((t) => x >= t.x && y >= t.y && x + 160 <= t.x + t.width && y + 120 <= t.y + t.height);
        assert.ok(whole, `a 160×120 face at ${x},${y} of a ${w}×${h} view`);
      }
    }
  }
});

test('a view no larger than a tile is one tile of its own size', () => {
  assert.deepEqual(planDetectionTiles(300, 200, TILE), [{ x: 0, y: 0, width: 300, height: 200 }]);
});

test('a box on an inner edge is cut (its neighbour has it whole); on the view edge, or too large for the neighbour, it is kept', () => {
  const view = { width: 640, height: 360 };
  const [topLeft, topMiddle] = planDetectionTiles(640, 360, TILE);
  const face = (x1: number, y1: number, side: number) => ({ x1, y1, x2: x1 + side, y2: y1 + side, score: 0.9 });
  assert.equal(isCutByTileEdge(face(300, 50, 30), topLeft, view), true, 'touches the right edge of the first tile');
  assert.equal(
    isCutByTileEdge(face(0, 50, 30), topLeft, view),
    false,
    'the view edge cuts no face a neighbour could have',
  );
  assert.equal(isCutByTileEdge(face(100, 50, 30), topLeft, view), false, 'inside');
  assert.equal(isCutByTileEdge(face(100, 220, 30), topLeft, view), true, 'touches the bottom edge');
  assert.equal(
    isCutByTileEdge(face(140, 0, 200), topLeft, view),
    false,
    'larger than half a tile: no neighbour holds it whole',
  );
  assert.equal(isCutByTileEdge(face(161, 50, 30), topMiddle, view), true, 'touches the left edge of the middle tile');
});

test('a point is given to the tile where it lies deepest', () => {
  const view = { width: 640, height: 360 };
  const tiles = planDetectionTiles(640, 360, TILE);
  assert.equal(mostCentralTile(tiles, 310, 60, view), 1, 'near the first tile right edge: the middle tile');
  assert.equal(mostCentralTile(tiles, 20, 20, view), 0);
  assert.equal(mostCentralTile(tiles, 630, 350, view), 5);
  assert.equal(mostCentralTile(tiles, 700, 20, view), -1, 'outside the view');
});
