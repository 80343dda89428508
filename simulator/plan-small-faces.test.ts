/** Small faces in the simulated store: one draw per visit and camera, visitors only, about the share asked for. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../common/seeded-random.ts';
import type { PlannedSighting } from './plan-store-days.ts';
import { planSmallFaces } from './plan-small-faces.ts';

const DAY = 86_400_000;

test('all sightings of one visit at one camera share their draw; staff never; the share is about right', () => {
  const sightings: PlannedSighting[] = [];
  for (let person = 0; person < 400; person++) {
    for (const camera of ['entrance', 'entrance', 'zone-a'])
      sightings.push({
        person,
        cameraId: camera,
        tStartMs: 10 * DAY + person * 1000,
        tEndMs: 10 * DAY + person * 1000 + 500,
      });
  }
  const small = planSmallFaces(sightings, 380, { entrance: 0.35 }, seededRandom(1));
  for (let person = 0; person < 400; person++) {
    const [a, b, zone] = [3 * person, 3 * person + 1, 3 * person + 2];
    assert.equal(small.has(a), small.has(b), 'both entrance tracks of a visit');
    assert.equal(small.has(zone), false, 'a camera with no share');
    if (person >= 380) assert.equal(small.has(a), false, 'staff');
  }
  const share = [...small].length / 2 / 380;
  assert.ok(share > 0.28 && share < 0.42, `share ${share}`);
});
