import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planDigestRun } from './plan-digest-run.ts';

const daily = {
  site: 's',
  period: 'day' as const,
  cron: '0 7 * * *',
  deliver: [{ kind: 'folder' as const, dir: '/tmp' }],
};

test("a daily 07:00 run covers the site's previous local day, across a DST change", () => {
  // Berlin leaves summer time on 2026-10-25: 07:00 is 05:00Z before and 06:00Z after.
  const before = planDigestRun(daily, 'Europe/Berlin', Date.parse('2026-10-24T05:00:00Z'))!;
  assert.equal(before.period.from, '2026-10-23');
  assert.equal(before.key, 's/day/2026-10-23');
  const after = planDigestRun(daily, 'Europe/Berlin', Date.parse('2026-10-25T05:59:00Z'))!;
  assert.equal(after.period.from, '2026-10-23', '06:59 local on the 25th: the 24th is not due yet');
  assert.equal(planDigestRun(daily, 'Europe/Berlin', Date.parse('2026-10-25T06:00:00Z'))!.period.from, '2026-10-24');
});

test('weekly and monthly runs cover the previous week and month', () => {
  const weekly = { ...daily, period: 'week' as const, cron: '0 6 * * 1' };
  assert.equal(planDigestRun(weekly, 'UTC', Date.parse('2026-11-09T08:00:00Z'))!.period.from, '2026-11-02');
  const monthly = { ...daily, period: 'month' as const, cron: '0 6 1 * *' };
  assert.equal(planDigestRun(monthly, 'UTC', Date.parse('2026-11-15T08:00:00Z'))!.period.from, '2026-10-01');
});
