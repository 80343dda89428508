// The local calendar around DST changes and fractional offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTimeZone, localDate, localHour, localMidnightMs, nextLocalMidnightMs } from './local-day.ts';

test('local midnight on a DST change day and in a +05:45 zone', () => {
  assert.equal(new Date(localMidnightMs('2026-03-29', 'Europe/Berlin')).toISOString(), '2026-03-28T23:00:00.000Z');
  assert.equal(new Date(localMidnightMs('2026-03-30', 'Europe/Berlin')).toISOString(), '2026-03-29T22:00:00.000Z');
  assert.equal(new Date(nextLocalMidnightMs(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Berlin')).toISOString(), '2026-03-29T22:00:00.000Z');
  assert.equal(new Date(localMidnightMs('2026-06-01', 'Asia/Kathmandu')).toISOString(), '2026-05-31T18:15:00.000Z');
});

test('local date and hour of an instant', () => {
  const t = Date.parse('2026-11-03T04:30:00Z');
  assert.equal(localDate(t, 'America/New_York'), '2026-11-02');
  assert.equal(localHour(t, 'America/New_York'), 23);
  assert.equal(localDate(t, 'UTC'), '2026-11-03');
});

test('an unknown time zone is a clear error', () => {
  assert.throws(() => checkTimeZone('Mars/Olympus'), /unknown IANA time zone "Mars\/Olympus"/);
});
