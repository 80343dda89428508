// The footfall rule: per row, across a day's hours, across levels (hours, days, weeks, totals); no small count follows by arithmetic from the three granularities of one range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom, randomInt } from '../../common/seeded-random.ts';
import { deriveHidden, sumRelation, type Relation } from '../../test/harness/derive-hidden-counts.ts';
import type { FootfallBucket, FootfallByPeriod, FootfallPeriod } from '../queries/footfall-by-period.ts';
import { digestPeriod } from '../digest/digest-period.ts';
import { suppressFootfall, type PublishedFootfall } from './suppress-footfall.ts';

const K = 5;
const row = (
  period: string,
  visits: number,
  newVisits: number,
  visitors = visits,
  unidentifiedVisits = 0,
): FootfallBucket => ({
  period,
  visitors,
  visits,
  newVisits,
  returningVisits: visits - newVisits - unidentifiedVisits,
  unidentifiedVisits,
});
const sum = (rows: FootfallBucket[]) =>
  rows.reduce(
    (s, r) => ({
      visitors: s.visitors + r.visitors,
      visits: s.visits + r.visits,
      newVisits: s.newVisits + r.newVisits,
      returningVisits: s.returningVisits + r.returningVisits,
      unidentifiedVisits: s.unidentifiedVisits + r.unidentifiedVisits,
    }),
    { visitors: 0, visits: 0, newVisits: 0, returningVisits: 0, unidentifiedVisits: 0 },
  );
const report = (buckets: FootfallBucket[]): FootfallByPeriod => {
  const totals = sum(buckets);
  const identifiedShare = totals.visits > 0 ? 1 - totals.unidentifiedVisits / totals.visits : 1;
  return {
    buckets,
    totals,
    identifiedShare,
    unidentified: {
      total: totals.unidentifiedVisits,
      entranceTracks: 0,
      visitsEnteredUnseen: 0,
      tracksPerEntry: 1,
      passerByShare: 0,
    },
    rulesVersions: ['v1'],
  };
};

test('people seen but not identified: shown when not small; a small count hides every part of its row, and the identified share with the totals', () => {
  const shown = suppressFootfall(
    report([row('2026-11-02', 30, 12, 30, 8), row('2026-11-03', 20, 10, 20, 5)]),
    'day',
    K,
  );
  assert.deepEqual(
    shown.buckets.map((b) => b.unidentifiedVisits),
    [8, 5],
  );
  assert.equal(shown.totals.unidentifiedVisits, 13);
  assert.equal(shown.identifiedShare, 37 / 50);
  const small = suppressFootfall(
    report([row('2026-11-02', 30, 12, 30, 2), row('2026-11-03', 20, 10, 20, 5)]),
    'day',
    K,
  );
  // 2 unidentified: the row shows its visits only, and so does the other (its parts would give the first's away through the totals).
  assert.deepEqual(
    small.buckets.map((b) => [b.visits, b.newVisits, b.returningVisits, b.unidentifiedVisits]),
    [
      [30, null, null, null],
      [20, null, null, null],
    ],
  );
  assert.equal(small.totals.unidentifiedVisits, 7, 'the totals hide nothing small');
  assert.equal(small.identifiedShare, 43 / 50);
  const tiny = suppressFootfall(report([row('2026-11-02', 30, 12, 30, 3)]), 'day', K);
  assert.equal(tiny.totals.unidentifiedVisits, null);
  assert.equal(tiny.identifiedShare, null, 'the share would give the hidden count away');
  assert.ok(tiny.suppressed.includes('/identifiedShare'));
});

test('a small count is null and listed by its JSON Pointer; zeros and large counts are shown', () => {
  const out = suppressFootfall(report([row('2026-11-02', 12, 12), row('2026-11-03', 3, 3)]), 'day', K);
  assert.deepEqual(out.buckets[1], {
    period: '2026-11-03',
    visitors: null,
    visits: null,
    newVisits: null,
    returningVisits: null,
    unidentifiedVisits: null,
  });
  assert.equal(out.buckets[0].returningVisits, null, 'the complement hides the other day too (totals − day 1 = day 2)');
  assert.equal(out.buckets[0].visits, null);
  assert.deepEqual(out.totals, { visitors: 15, visits: 15, newVisits: 15, returningVisits: 0, unidentifiedVisits: 0 });
  assert.equal(out.identifiedShare, 1);
  assert.equal(out.minCount, K);
  assert.deepEqual(out.suppressed, [
    '/buckets/0/visitors',
    '/buckets/0/visits',
    '/buckets/0/newVisits',
    '/buckets/0/returningVisits',
    '/buckets/0/unidentifiedVisits',
    '/buckets/1/visitors',
    '/buckets/1/visits',
    '/buckets/1/newVisits',
    '/buckets/1/returningVisits',
    '/buckets/1/unidentifiedVisits',
  ]);
});

test('within a row: a small new or returning count hides both (and the unidentified), the visits stay', () => {
  const out = suppressFootfall(report([row('2026-11-02', 30, 28)]), 'day', K);
  assert.deepEqual(out.buckets[0], {
    period: '2026-11-02',
    visitors: 30,
    visits: 30,
    newVisits: null,
    returningVisits: null,
    unidentifiedVisits: null,
  });
});

test("a day's hours: one small hour hides the next smallest; one split hour splits the smallest hour with both parts non-zero", () => {
  const hours = [row('2026-11-02 09:00', 3, 3), row('2026-11-02 10:00', 8, 8), row('2026-11-02 11:00', 12, 12)];
  const a = suppressFootfall(report(hours), 'hour', K);
  assert.deepEqual(
    a.buckets.map((b) => b.visits),
    [null, null, 12],
  );
  const splits = [
    row('2026-11-02 09:00', 10, 8),
    row('2026-11-02 10:00', 6, 6),
    row('2026-11-02 11:00', 20, 10),
    row('2026-11-02 12:00', 25, 15),
  ];
  const b = suppressFootfall(report(splits), 'hour', K);
  assert.deepEqual(
    b.buckets.map((x) => x.newVisits),
    [null, 6, null, 15],
    '11:00 (10 + 10) is chosen over 10:00 (6 + 0)',
  );
  assert.deepEqual(
    b.buckets.map((x) => x.visits),
    [10, 6, 20, 25],
  );
});

/** Random small stores: a few weeks of hours with mostly small counts. */
function randomHours(seed: number): FootfallBucket[] {
  const random = seededRandom(seed);
  const days = randomInt(random, 1, 16);
  const out: FootfallBucket[] = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(Date.parse('2026-11-02') + d * 86_400_000).toISOString().slice(0, 10);
    for (let h = 9; h < 9 + randomInt(random, 1, 10); h++) {
      if (random() < 0.2) continue;
      const visits = random() < 0.5 ? randomInt(random, 1, 6) : randomInt(random, 1, 30);
      // Some hours with people seen but not identified, taken from the returning side.
      const newVisits = random() < 0.3 ? visits : randomInt(random, 0, visits);
      const unidentified = random() < 0.4 ? randomInt(random, 0, visits - newVisits) : 0;
      out.push(row(`${date} ${String(h).padStart(2, '0')}:00`, visits, newVisits, visits, unidentified));
    }
  }
  return out;
}

function rollUp(hours: FootfallBucket[], key: (period: string) => string): FootfallBucket[] {
  const groups = new Map<string, FootfallBucket[]>();
  for (const h of hours) groups.set(key(h.period), [...(groups.get(key(h.period)) ?? []), h]);
  return [...groups].map(([period, rows]) => ({ period, ...sum(rows) }));
}

const COLUMNS = ['visits', 'newVisits', 'returningVisits', 'unidentifiedVisits'] as const;

test('random stores: no count below minCount follows from the hour, day and week reports of one range taken together', () => {
  for (let seed = 1; seed <= 150; seed++) {
    const hours = randomHours(seed);
    if (hours.length === 0) continue;
    const days = rollUp(hours, (p) => p.slice(0, 10));
    const weeks = rollUp(days, (p) => digestPeriod('week', p).from);
    const totals = sum(hours);
    const name = (level: string, period: string, col: string) => `${level}|${period}|${col}`;
    const relations: Relation[] = [];
    const truth = new Map<string, number>();
    const levels: Array<[FootfallPeriod, FootfallBucket[], (p: string) => string]> = [
      ['hour', hours, (p) => p.slice(0, 10)],
      ['day', days, (p) => digestPeriod('week', p).from],
      ['week', weeks, () => ''],
    ];
    const parentLevel: Record<FootfallPeriod, string> = { hour: 'day', day: 'week', week: 'total' };
    for (const [level, rows, parent] of levels) {
      for (const r of rows) {
        for (const col of COLUMNS) truth.set(name(level, r.period, col), r[col]);
        relations.push(
          sumRelation(name(level, r.period, 'visits'), [
            name(level, r.period, 'newVisits'),
            name(level, r.period, 'returningVisits'),
            name(level, r.period, 'unidentifiedVisits'),
          ]),
        );
      }
      const byParent = new Map<string, string[]>();
      for (const r of rows) byParent.set(parent(r.period), [...(byParent.get(parent(r.period)) ?? []), r.period]);
      for (const [p, children] of byParent)
        for (const col of COLUMNS)
          relations.push(
            sumRelation(
              name(parentLevel[level], p, col),
              children.map((c) => name(level, c, col)),
            ),
          );
    }
    for (const col of COLUMNS) truth.set(name('total', '', col), totals[col]);
    relations.push(
      sumRelation(name('total', '', 'visits'), [
        name('total', '', 'newVisits'),
        name('total', '', 'returningVisits'),
        name('total', '', 'unidentifiedVisits'),
      ]),
    );

    const known = new Map<string, number>();
    const learn = (level: string, out: PublishedFootfall) => {
      for (const b of out.buckets)
        for (const col of COLUMNS) if (b[col] !== null) known.set(name(level, b.period, col), b[col]!);
      for (const col of COLUMNS) if (out.totals[col] !== null) known.set(name('total', '', col), out.totals[col]!);
    };
    for (const [level, rows] of levels) {
      const out = suppressFootfall({ buckets: rows, totals, rulesVersions: [] }, level, K);
      const nulls = [
        ...out.buckets.flatMap((b) => Object.values(b)),
        ...Object.values(out.totals),
        out.identifiedShare,
      ].filter((v) => v === null);
      assert.equal(out.suppressed.length, nulls.length, 'every null is listed');
      learn(level, out);
    }
    const derived = deriveHidden(relations, known);
    for (const [figure] of derived) {
      const real = truth.get(figure)!;
      assert.ok(!(real > 0 && real < K), `seed ${seed}: ${figure} = ${real} follows from the published figures`);
    }
  }
});
