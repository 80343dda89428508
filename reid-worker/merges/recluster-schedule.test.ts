// The re-clustering schedule: off, first sight, interval, per site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isReclusterDue, ReclusterSchedule } from './recluster-schedule.ts';

test('a pass is due once the interval has passed since the last one, never when off', () => {
  assert.equal(isReclusterDue(undefined, 1_000_000, 60_000), false, 'no pass yet: the clock starts');
  assert.equal(isReclusterDue(0, 59_999, 60_000), false);
  assert.equal(isReclusterDue(0, 60_000, 60_000), true);
  assert.equal(isReclusterDue(0, 10_000_000, 0), false, '0 = off');
});

test('the schedule starts each site at its first batch and restarts after each pass', () => {
  const schedule = new ReclusterSchedule(60_000);
  assert.equal(schedule.due('a', 0), false);
  assert.equal(schedule.due('a', 30_000), false);
  assert.equal(schedule.due('b', 30_000), false, 'b starts its own clock');
  assert.equal(schedule.due('a', 60_000), true);
  schedule.ran('a', 60_000);
  assert.equal(schedule.due('a', 100_000), false);
  assert.equal(schedule.due('b', 90_000), true);
  assert.equal(schedule.due('a', 120_000), true);
  const off = new ReclusterSchedule(0);
  assert.equal(off.due('a', 0), false);
  assert.equal(off.due('a', 1e12), false);
});
