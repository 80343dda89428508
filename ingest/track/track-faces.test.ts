/** FaceTracker on hand-made boxes: one walker is one track, simultaneous faces are cannot-linked, gaps and floods close tracks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaceTracker } from './track-faces.ts';

const opts = { minIou: 0.3, maxCentreShiftSides: 1, maxMissedFrames: 2, maxOpenTracks: 8 };
const box = (x: number, y = 50, side = 100) => ({ x, y, width: side, height: side });

test('a face walking across the frame faster than its overlap allows stays one track', () => {
  const tracker = new FaceTracker(opts, 'cam');
  const ids = new Set<string>();
  // 70 px per frame at side 100: IoU with the last box is only 0.18; the motion prediction keeps it.
  for (let f = 0; f < 10; f++) ids.add(tracker.update([box(f * 70)], f * 200).trackIds[0]);
  assert.equal(ids.size, 1);
  const [track] = tracker.closeAll();
  assert.equal(track.hits, 10);
  assert.deepEqual([track.firstSeenMs, track.lastSeenMs], [0, 1800]);
  assert.ok(track.maxTravelSides > 6, `travel ${track.maxTravelSides}`);
});

test('two faces in the same frames are two tracks, each a cannot-link of the other', () => {
  const tracker = new FaceTracker(opts, 'cam');
  for (let f = 0; f < 5; f++) tracker.update([box(10 + f * 5), box(400 - f * 5)], f * 200);
  const tracks = tracker.closeAll();
  assert.equal(tracks.length, 2);
  assert.deepEqual([...tracks[0].concurrent], [tracks[1].id]);
  assert.deepEqual([...tracks[1].concurrent], [tracks[0].id]);
});

test('a track unseen for more than maxMissedFrames closes; a face coming back later is a new track', () => {
  const tracker = new FaceTracker(opts, 'cam');
  const first = tracker.update([box(100)], 0).trackIds[0];
  assert.equal(tracker.update([box(102)], 200).trackIds[0], first, 'continued');
  assert.deepEqual(tracker.update([], 400).closed, []);
  assert.deepEqual(tracker.update([], 600).closed, [], 'two missed frames are tolerated');
  const { closed } = tracker.update([], 800);
  assert.deepEqual(
    closed.map((t) => t.id),
    [first],
  );
  assert.notEqual(tracker.update([box(100)], 1000).trackIds[0], first);
});

test('a detection far from every prediction or of a very different size starts a new track', () => {
  const tracker = new FaceTracker(opts, 'cam');
  const a = tracker.update([box(0)], 0).trackIds[0];
  assert.notEqual(tracker.update([box(500)], 200).trackIds[0], a, 'too far');
  assert.notEqual(tracker.update([box(0, 50, 300)], 400).trackIds[0], a, 'three times larger');
});

test('beyond maxOpenTracks the stalest tracks are closed, so memory stays bounded', () => {
  const tracker = new FaceTracker({ ...opts, maxOpenTracks: 3, maxMissedFrames: 100 }, 'cam');
  let closed = 0;
  for (let f = 0; f < 10; f++) closed += tracker.update([box(f * 1000)], f).closed.length;
  assert.equal(tracker.openCount, 3);
  assert.equal(closed, 7);
});
