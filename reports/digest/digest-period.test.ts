import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestPeriod } from './digest-period.ts';

test('a day (compared with the same weekday last week), an ISO week and a month, each with the period before', () => {
  assert.deepEqual(digestPeriod('day', '2026-03-01'), {
    kind: 'day',
    from: '2026-03-01',
    to: '2026-03-02',
    previous: { from: '2026-02-22', to: '2026-02-23' },
    label: 'Sunday, 1 March 2026',
  });
  const week = digestPeriod('week', '2026-11-05');
  assert.equal(week.from, '2026-11-02');
  assert.equal(week.to, '2026-11-09');
  assert.deepEqual(week.previous, { from: '2026-10-26', to: '2026-11-02' });
  assert.match(week.label, /^week 45, 2026/);
  assert.match(digestPeriod('week', '2027-01-01').label, /^week 53, 2026/, 'ISO weeks cross the new year');
  const month = digestPeriod('month', '2026-01-31');
  assert.deepEqual([month.from, month.to, month.previous.from], ['2026-01-01', '2026-02-01', '2025-12-01']);
});

test('a malformed date is refused with a clear message', () => {
  for (const bad of ['2026-13-01', '2026-02-30', 'yesterday', ''])
    assert.throws(() => digestPeriod('day', bad), /--date must be YYYY-MM-DD/);
});
