/** Capture rate suppression: small parts hide their pair and the share; a camera's hours cannot give a hidden hour away. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CaptureRate } from '../queries/capture-rate.ts';
import { suppressCapture } from './suppress-capture.ts';

const K = 5;
const cell = (camera: string, period: string, identified: number, unidentified: number) => ({
  camera,
  period,
  identified,
  unidentified,
});
function report(hours: CaptureRate['hours']): CaptureRate {
  const cameras = [...new Set(hours.map((h) => h.camera))].map((camera) => {
    const mine = hours.filter((h) => h.camera === camera);
    return cell(
      camera,
      '',
      mine.reduce((n, h) => n + h.identified, 0),
      mine.reduce((n, h) => n + h.unidentified, 0),
    );
  });
  return { hours, cameras };
}

test('large counts and their share are shown', () => {
  const out = suppressCapture(
    report([cell('entrance', '2026-11-02 09:00', 30, 10), cell('entrance', '2026-11-02 10:00', 20, 20)]),
    K,
  );
  assert.deepEqual(out.cameras[0], {
    camera: 'entrance',
    period: '',
    tracks: 80,
    identified: 50,
    unidentified: 30,
    identifiedShare: 50 / 80,
  });
  assert.deepEqual(out.suppressed, []);
});

test('a small part hides both parts and the share of its hour, and of another hour, so the camera sums give nothing away', () => {
  const out = suppressCapture(
    report([
      cell('entrance', '2026-11-02 09:00', 30, 2),
      cell('entrance', '2026-11-02 10:00', 20, 20),
      cell('entrance', '2026-11-02 11:00', 40, 9),
    ]),
    K,
  );
  assert.deepEqual(
    out.hours.map((h) => h.tracks),
    [32, 40, 49],
    'tracks are never small here: all shown',
  );
  assert.deepEqual(
    [out.hours[0].identified, out.hours[0].unidentified, out.hours[0].identifiedShare],
    [null, null, null],
  );
  // Each camera sum hides a second hour's figure (the smallest other one: 20 identified at 10:00, 9 unidentified at 11:00), and each hidden part hides its pair.
  assert.deepEqual(
    out.hours.slice(1).map((h) => [h.identified, h.unidentified]),
    [
      [null, null],
      [null, null],
    ],
  );
  assert.deepEqual([out.cameras[0].identified, out.cameras[0].unidentified], [90, 31]);
});

test('a small hour is hidden whole, with the next smallest hour beside it', () => {
  const out = suppressCapture(
    report([
      cell('zone-a', '2026-11-02 09:00', 2, 1),
      cell('zone-a', '2026-11-02 10:00', 12, 0),
      cell('zone-a', '2026-11-02 11:00', 30, 6),
    ]),
    K,
  );
  assert.equal(out.hours[0].tracks, null);
  assert.equal(out.hours[1].tracks, null, '12 is the smallest other hour');
  assert.equal(out.cameras[0].tracks, 51);
});
