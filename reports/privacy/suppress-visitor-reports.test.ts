// Dwell and returning visitors: percentiles and breakdowns of few visits hidden, rates hidden with what they reveal, no small count derivable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, seededRandom } from '../../common/seeded-random.ts';
import { deriveHidden, sumRelation, type Relation } from '../../test/harness/derive-hidden-counts.ts';
import type { ReturningVisitors } from '../queries/returning-visitors.ts';
import { suppressDwell, suppressReturning, visitorSplitIsHidden } from './suppress-visitor-reports.ts';

const K = 5;
const EDGES = [0, 2, 5, 10, 20, 30, 60, 120];
const dwell = (bands: number[]) => ({
  visits: bands.reduce((a, b) => a + b, 0),
  p25S: 100,
  medianS: 200,
  p75S: 300,
  p90S: 400,
  meanS: 250,
  rulesVersions: [],
  histogram: bands.map((visits, i) => ({ fromMin: EDGES[i], upToMin: EDGES[i + 1] ?? null, visits })),
});

test('dwell of fewer than minCount visits hides everything, empty bands and percentiles included', () => {
  const out = suppressDwell(dwell([0, 3, 0, 0, 0, 0, 0, 0]), K);
  assert.deepEqual([out.visits, out.medianS, out.meanS], [null, null, null]);
  assert.ok(
    out.histogram.every((h) => h.visits === null),
    'a zero band would say where the few stays fell',
  );
});

test('dwell: a small band is covered by the next smallest; zeros and large bands are shown', () => {
  const out = suppressDwell(dwell([2, 12, 0, 30, 7, 0, 0, 0]), K);
  assert.deepEqual(
    out.histogram.map((h) => h.visits),
    [null, 12, 0, 30, null, 0, 0, 0],
  );
  assert.deepEqual(out.suppressed, ['/histogram/0/visits', '/histogram/4/visits']);
  assert.equal(out.medianS, 200);
});

test('the visitor split (only new, only returning, both) hides new and returning visitors when any part is small', () => {
  assert.equal(visitorSplitIsHidden(40, 20, 20, K), false, 'no overlap, 20 and 20');
  assert.equal(visitorSplitIsHidden(40, 22, 20, K), true, 'two people both new and returning in the period');
  assert.equal(visitorSplitIsHidden(40, 37, 10, K), true, 'visitors − new = 3 only-returning');
  assert.equal(visitorSplitIsHidden(40, 40, 0, K), false);
});

function returning(r: Partial<ReturningVisitors>): ReturningVisitors {
  const base = {
    visitors: 30,
    newVisitors: 20,
    returningVisitors: 10,
    visits: 40,
    returningVisits: 15,
    frequency: [
      { visits: '1', visitors: 22 },
      { visits: '2', visitors: 8 },
    ],
    daysBetweenVisits: { pairs: 10, mean: 2, median: 1 },
    rulesVersions: [],
  };
  const merged = { ...base, ...r };
  return {
    ...merged,
    returningVisitRate: merged.returningVisits / merged.visits,
    returningVisitorRate: merged.returningVisitors / merged.visitors,
  };
}

test('returning: the rate hides with returning visits; the frequency table is all or nothing; gaps need minCount pairs', () => {
  const shown = suppressReturning(returning({}), K);
  assert.deepEqual(shown.frequency, [
    { visits: '1', visitors: 22 },
    { visits: '2', visitors: 8 },
    { visits: '3', visitors: 0 },
    { visits: '4', visitors: 0 },
    { visits: '5+', visitors: 0 },
  ]);
  assert.equal(shown.returningVisitRate, 15 / 40);
  const few = suppressReturning(
    returning({
      returningVisits: 3,
      frequency: [
        { visits: '1', visitors: 27 },
        { visits: '2', visitors: 3 },
      ],
      daysBetweenVisits: { pairs: 3, mean: 2, median: 2 },
    }),
    K,
  );
  assert.deepEqual([few.returningVisits, few.returningVisitRate, few.visits], [null, null, 40]);
  assert.ok(few.frequency.every((f) => f.visitors === null));
  assert.deepEqual(
    few.daysBetweenVisits,
    { pairs: 3, mean: null, median: null },
    'pairs = visits − visitors, published anyway',
  );
  const tiny = suppressReturning(
    returning({ visitors: 3, newVisitors: 3, returningVisitors: 0, visits: 4, returningVisits: 0 }),
    K,
  );
  assert.ok(
    Object.entries(tiny)
      .filter(([k]) => !['minCount', 'suppressed', 'rulesVersions', 'frequency', 'daysBetweenVisits'].includes(k))
      .every(([, v]) => v === null),
  );
});

test('random returning reports: no small count follows from the figures and rates shown', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const random = seededRandom(seed);
    const f = [randomInt(random, 0, 40), randomInt(random, 0, 8), randomInt(random, 0, 4), 0, randomInt(random, 0, 2)];
    const visitors = f.reduce((a, b) => a + b, 0);
    if (visitors === 0) continue;
    const extra5 = f[4] * randomInt(random, 5, 7) - f[4];
    const visits = visitors + f[1] + 2 * f[2] + 3 * f[3] + extra5;
    const both = randomInt(random, 0, Math.min(3, f[1] + f[2] + f[4]));
    const newVisitors = randomInt(random, both, visitors);
    const returningVisitors = Math.min(visitors, visitors - newVisitors + both);
    const r = returning({
      visitors,
      newVisitors,
      returningVisitors,
      visits,
      returningVisits: randomInt(random, 0, visits),
      frequency: ['1', '2', '3', '4', '5+']
        .map((b, i) => ({ visits: b, visitors: f[i] }))
        .filter((x) => x.visitors > 0),
      daysBetweenVisits: { pairs: visits - visitors, mean: 1, median: 1 },
    });
    const out = suppressReturning(r, K);
    const truth = new Map<string, number>([
      ['U', visitors],
      ['NU', newVisitors],
      ['RU', returningVisitors],
      ['V', visits],
      ['R', r.returningVisits],
      ['N', visits - r.returningVisits],
      ['onlyNew', visitors - returningVisitors],
      ['onlyReturning', visitors - newVisitors],
      ['both', newVisitors + returningVisitors - visitors],
      ['pairs', visits - visitors],
      ['x5', extra5],
      ...f.map((v, i): [string, number] => [`f${i + 1}`, v]),
    ]);
    const relations: Relation[] = [
      sumRelation('V', ['N', 'R']),
      sumRelation('U', ['onlyNew', 'onlyReturning', 'both']),
      sumRelation('NU', ['onlyNew', 'both']),
      sumRelation('RU', ['onlyReturning', 'both']),
      sumRelation('U', ['f1', 'f2', 'f3', 'f4', 'f5']),
      sumRelation('V', ['U', 'pairs']),
      {
        terms: [
          ['pairs', 1],
          ['f2', -1],
          ['f3', -2],
          ['f4', -3],
          ['x5', -1],
        ],
      },
    ];
    const known = new Map<string, number>();
    const read = (figure: string, v: number | null) => v !== null && known.set(figure, v);
    read('U', out.visitors);
    read('NU', out.newVisitors);
    read('RU', out.returningVisitors);
    read('V', out.visits);
    read('R', out.returningVisits);
    read('pairs', out.daysBetweenVisits.pairs);
    if (out.returningVisitRate !== null && out.visits !== null)
      known.set('R', Math.round(out.returningVisitRate * out.visits));
    if (out.returningVisitorRate !== null && out.visitors !== null)
      known.set('RU', Math.round(out.returningVisitorRate * out.visitors));
    out.frequency.forEach((x, i) => read(`f${i + 1}`, x.visitors));
    for (const [figure, value] of deriveHidden(relations, known)) {
      const real = truth.get(figure)!;
      // visits − visitors is published by design (docs/privacy.md: limits): it counts extra visits, not people.
      if (figure === 'pairs') continue;
      assert.ok(!(real > 0 && real < K), `seed ${seed}: ${figure} = ${real} (derived ${value})`);
    }
  }
});
