/** The tiled detector with the real model: small faces found, a face on a tile border found once and whole, motion mode running only the tiles it needs. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { modelPath } from '../../models/index.ts';
import { personImages } from '../../test/harness/faces-dir.ts';
import { decodeImage } from './decode-image.ts';
import { DETECTOR_INPUT_SIZE } from './detect-faces.ts';
import { TiledFaceDetector } from './detect-tiled-faces.ts';
import type { RgbImage } from './face-types.ts';
import { createSession, type InferenceSession } from './onnx-session.ts';
import { resampleRegion } from './resample-region.ts';

const W = 1280;
const H = 720;
let session: InferenceSession;
let photo: RgbImage;

before(async () => {
  session = await createSession(modelPath('detect'));
  photo = await decodeImage(personImages('faces94_subset', '9336923')[0]);
});
after(() => session.release());

/** A 720p frame of flat grey with the photo pasted `photoHeight` tall at (x, y), and its two detector views as ffmpeg makes them. */
function frame(placements: Array<{ x: number; y: number; photoHeight: number }>) {
  const data = new Uint8Array(3 * W * H).fill(110);
  for (const { x, y, photoHeight } of placements) {
    const w = Math.round((photo.width * photoHeight) / photo.height);
    const scaled = resampleRegion(photo, 0, 0, photo.width, photo.height, w, photoHeight);
    for (let r = 0; r < photoHeight; r++)
      for (let c = 0; c < w; c++)
        for (let k = 0; k < 3; k++) data[3 * ((y + r) * W + x + c) + k] = scaled[3 * (r * w + c) + k];
  }
  const image = { width: W, height: H, data };
  const shrink = (w: number, h: number) => ({
    width: w,
    height: h,
    data: Uint8Array.from(resampleRegion(image, 0, 0, W, H, w, h), (v) => Math.round(v)),
  });
  return {
    size: { width: W, height: H },
    view: shrink(DETECTOR_INPUT_SIZE.width, DETECTOR_INPUT_SIZE.height),
    tileView: shrink(W / 2, H / 2),
  };
}

const settings = (mode: 'full' | 'tiles' | 'motion') => ({ mode, minCellChange: 4, refreshFrames: 10 });

test('a face about 30 px wide on a 720p frame: the whole-frame view alone misses it, the tiles find it where it is', async () => {
  // faces94 photos are 180×200 with a face ~90 px wide: 70 px tall puts the face at ~30 px.
  const f = frame([{ x: 400, y: 300, photoHeight: 70 }]);
  const full = await new TiledFaceDetector(session, settings('full')).detect(f.size, f.view, f.tileView);
  const tiles = await new TiledFaceDetector(session, settings('tiles')).detect(f.size, f.view, f.tileView);
  assert.equal(full.faces.length, 0);
  assert.deepEqual([full.runs, tiles.runs], [1, 7], 'a 640×360 tile view is 3×2 tiles, plus the whole frame');
  assert.equal(tiles.faces.length, 1);
  const [face] = tiles.faces;
  assert.ok(
    face.x1 > 400 && face.x2 < 400 + 63 && face.y1 > 300 && face.y2 < 370,
    `box ${JSON.stringify(face)} inside the photo`,
  );
  assert.ok(face.x2 - face.x1 > 20 && face.x2 - face.x1 < 45, 'about the face width');
});

test('a face on the border between two tiles is found once, whole', async () => {
  // Tile view x = 320 (frame x = 640) is the right edge of the first column of tiles.
  const f = frame([{ x: 640 - 32, y: 100, photoHeight: 70 }]);
  const { faces } = await new TiledFaceDetector(session, settings('tiles')).detect(f.size, f.view, f.tileView);
  assert.equal(faces.length, 1, JSON.stringify(faces));
  assert.ok(faces[0].x1 < 640 - 5 && faces[0].x2 > 640 + 5, 'not a half face cut at the border');
});

test('motion mode runs every tile first and on refresh, then only where a face was or the picture changed', async () => {
  const detector = new TiledFaceDetector(session, { ...settings('motion'), refreshFrames: 3 });
  const still = frame([{ x: 400, y: 300, photoHeight: 70 }]);
  const empty = frame([]);
  const runs: number[] = [];
  for (const f of [still, still, empty, still, still]) {
    const { faces, runs: n } = await detector.detect(f.size, f.view, f.tileView);
    runs.push(n);
    assert.equal(faces.length, f === empty ? 0 : 1);
  }
  // All; the face's tile; where the picture changed (the face left); all again (refresh); the face's tile.
  assert.equal(runs[0], 7);
  assert.equal(runs[1], 2, 'a still face: its own tile only');
  assert.ok(runs[2] >= 2 && runs[2] < 7, `the face left: ${runs[2]} runs`);
  assert.equal(runs[3], 7, 'refresh every 3 frames');
  assert.equal(runs[4], 2);
});
