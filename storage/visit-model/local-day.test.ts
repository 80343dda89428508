// The local calendar around DST changes and fractional offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTimeZone, localDate, localHour, localMidnightMs, nextLocalMidnightMs } from './local-day.ts';

test('local midnight on a DST change day and in a +05:45 zone', () => {
  assert.equal(new Date(localMidnightMs('2026-03-29', 'Europe/Berlin')).toISOString(), '2026-03-28T23:00:00.000Z');
  assert.equal(new Date(localMidnightMs('2026-03-30', 'Europe/Berlin')).toISOString(), '2026-03-29T22:00:00.000Z');
  assert.equal(
    new Date(nextLocalMidnightMs(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Berlin')).toISOString(),
    '2026-03-29T22:00:00.000Z',
  );
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

const referenceFormats = new Map<string, Intl.DateTimeFormat>();

/** Intl asked directly, and the next midnight as computed before the memo: what every answer must equal. */
function reference(ms: number, timeZone: string): { date: string; hour: number; nextMidnightMs: number } {
  if (!referenceFormats.has(timeZone))
    referenceFormats.set(
      timeZone,
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: 'numeric',
      }),
    );
  const parts = Object.fromEntries(
    referenceFormats
      .get(timeZone)!
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  const next = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) + 1))
    .toISOString()
    .slice(0, 10);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    nextMidnightMs: localMidnightMs(next, timeZone),
  };
}

test('memoized days answer exactly as Intl, across DST changes, half-hour DST and midnight DST', () => {
  const zones = [
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kathmandu',
    'Australia/Lord_Howe',
    'America/Santiago',
    'America/Havana',
    'Pacific/Chatham',
  ];
  const from = Date.parse('2025-01-01T00:00:00Z');
  const span = 3 * 365 * 86_400_000;
  let x = 12345;
  for (const zone of zones) {
    for (let i = 0; i < 1500; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      // Random instants, and instants at (and 1 ms before) hour boundaries spread over the span.
      const ms =
        i % 2 === 0 ? from + Math.floor((x / 2 ** 31) * span) : from + i * 3600_000 * 17 - (i % 4 === 1 ? 1 : 0);
      const want = reference(ms, zone);
      const at = `${zone} ${new Date(ms).toISOString()}`;
      assert.equal(localDate(ms, zone), want.date, at);
      assert.equal(localHour(ms, zone), want.hour, `${at} hour`);
      assert.equal(nextLocalMidnightMs(ms, zone), want.nextMidnightMs, `${at} next midnight`);
    }
  }
});

test('Intl is asked once per zone and day, not once per call', (t) => {
  const calls = t.mock.method(Intl.DateTimeFormat.prototype, 'formatToParts');
  const t0 = Date.parse('2031-05-05T10:00:00Z');
  for (let i = 0; i < 1000; i++) {
    localDate(t0 + i * 1000, 'Asia/Tokyo');
    localHour(t0 + i * 1000, 'Asia/Tokyo');
    nextLocalMidnightMs(t0 + i * 1000, 'Asia/Tokyo');
  }
  assert.ok(calls.mock.callCount() <= 12, `${calls.mock.callCount()} Intl calls for 3000 answers about one day`);
});
