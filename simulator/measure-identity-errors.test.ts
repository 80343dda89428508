/** Which reported visits were a new visitor merged into an earlier identity, or a returning one split off. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VisitRow } from '../storage/visit-model/visit-row.ts';
import { measureIdentityErrors } from './measure-identity-errors.ts';
import type { StorePlan } from './plan-store-days.ts';

const visit = (person: number, localDate: string, bounce = false) => ({
  person,
  localDate,
  localHour: 10,
  startMs: 0,
  endMs: 0,
  path: [],
  bounce,
});
const row = (identityId: string, localDate: string, returning: boolean, counted = true) =>
  ({ identityId, localDate, returning, counted }) as VisitRow;

test('merges and splits are counted against each person’s first visit', () => {
  const plan = {
    visits: [visit(1, 'd1'), visit(1, 'd2'), visit(2, 'd2'), visit(3, 'd1', true), visit(3, 'd3')],
  } as unknown as StorePlan;
  const rows = [
    row('a', 'd1', false),
    row('a2', 'd2', false),
    row('a', 'd2', true),
    row('c', 'd3', false),
    row('x', 'd3', false, false),
  ];
  const people: Record<string, number> = { a: 1, a2: 1, c: 3, x: 3 };
  // a2 on d2 is person 1 again, reported new (split); the second 'a' row is person 2's first visit reported as returning (merged).
  const personOf = (r: VisitRow) => (r === rows[2] ? 2 : people[r.identityId]);
  assert.deepEqual(measureIdentityErrors(plan, rows, personOf), {
    newVisits: 3,
    mergedNew: 1,
    returningVisits: 1,
    splitReturning: 1,
    visitsTrue: 4,
    visitsReported: 4,
  });
});
