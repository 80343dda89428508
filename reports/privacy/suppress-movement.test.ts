// Top paths, transitions and occupancy: small counts hidden; a hidden path follows neither from the total nor from a transition it shares with other paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, seededRandom } from '../../common/seeded-random.ts';
import { deriveHidden, sumRelation } from '../../test/harness/derive-hidden-counts.ts';
import { suppressOccupancy, suppressTopPaths, suppressTransitions } from './suppress-movement.ts';

const K = 5;
const paths = (list: Array<[string, number]>, visits = list.reduce((s, [, n]) => s + n, 0)) => ({
  visits,
  paths: list.map(([p, n]) => ({ path: p.split('>'), visits: n, share: n / visits })),
  rulesVersions: [],
});

test('a small path count is hidden with its share and covered by the next smallest listed path', () => {
  // Three paths listed (limit 3): the rest of the visits (8) went other ways.
  const out = suppressTopPaths(
    paths(
      [
        ['e>a>c', 20],
        ['e>c', 9],
        ['e', 2],
      ],
      39,
    ),
    3,
    K,
  );
  assert.deepEqual(
    out.paths.map((p) => [p.visits, p.share]),
    [
      [20, 20 / 39],
      [null, null],
      [null, null],
    ],
  );
  assert.deepEqual(out.suppressed, ['/paths/1/visits', '/paths/1/share', '/paths/2/visits', '/paths/2/share']);
});

test('every path listed: a hidden path is covered within each camera pair it shares; a small transition is hidden', () => {
  // e>c>x (3) is covered by e>c (9) for the total; e→c (24) is passed by e>c>a, e>c and e>c>x: two of them hidden, it gives nothing.
  const out = suppressTopPaths(
    paths([
      ['e>a>c', 20],
      ['e>c>a', 12],
      ['e>c', 9],
      ['e>c>x', 3],
    ]),
    10,
    K,
  );
  assert.deepEqual(
    out.paths.map((p) => p.visits),
    [20, 12, null, null],
  );
  const t = suppressTransitions(
    {
      nodes: ['c', 'e'],
      links: [
        { from: 'e', to: 'c', visits: 12 },
        { from: 'c', to: 'e', visits: 2 },
      ],
      rulesVersions: [],
    },
    K,
  );
  assert.deepEqual(
    t.links.map((l) => l.visits),
    [12, null],
  );
});

/** A random list of paths through four cameras, most common first. */
function randomPaths(seed: number): Array<[string, number]> {
  const random = seededRandom(seed);
  const counts = new Map<string, number>();
  for (let i = 0; i < randomInt(random, 1, 12); i++) {
    const path = ['e', ...['a', 'b', 'c'].filter(() => random() < 0.5)].join('>');
    counts.set(path, random() < 0.5 ? randomInt(random, 1, 4) : randomInt(random, 1, 25));
  }
  return [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
}

test('a small rest (visits of the paths not listed) is covered like a small path', () => {
  const out = suppressTopPaths(
    paths(
      [
        ['e>b', 24],
        ['e>c', 19],
        ['e>a', 18],
      ],
      65,
    ),
    3,
    K,
  );
  assert.deepEqual(
    out.paths.map((p) => p.visits),
    [24, 19, null],
    '65 − 24 − 19 − 18 would say that 4 visits went another way',
  );
});

test('random path lists, complete or cut at the limit: no small path count follows from the total and the listed paths', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const all = randomPaths(seed);
    const limit = 3 + (seed % 8);
    const list = all.slice(0, limit);
    const out = suppressTopPaths(
      paths(
        list,
        all.reduce((s, [, n]) => s + n, 0),
      ),
      limit,
      K,
    );
    const rest = all.slice(limit).map(([p]) => p);
    const known = new Map<string, number>(out.visits === null ? [] : [['total', out.visits]]);
    out.paths.forEach((p, i) => p.visits !== null && known.set(list[i][0], p.visits));
    for (const [figure, value] of deriveHidden([sumRelation('total', [...list.map(([p]) => p), ...rest])], known)) {
      const real = new Map(all).get(figure)!;
      assert.ok(!(real > 0 && real < K), `seed ${seed}: path ${figure} = ${value}`);
    }
  }
});

test('occupancy: fewer than minCount people inside is hidden, now and per step; nobody inside is 0', () => {
  const out = suppressOccupancy(
    { people: 3, unidentified: 0, atMs: 1 },
    [
      { at: '09:00', people: 0 },
      { at: '09:15', people: 4 },
      { at: '09:30', people: 6 },
    ],
    K,
  );
  assert.deepEqual(out.now, { people: null, unidentified: null, atMs: 1 });
  assert.deepEqual(
    out.overDay.map((o) => o.people),
    [0, null, 6],
  );
  assert.deepEqual(out.suppressed, ['/now/people', '/now/unidentified', '/overDay/1/people']);
  const seen = suppressOccupancy({ people: 12, unidentified: 2, atMs: 1 }, [], K);
  assert.deepEqual(
    seen.now,
    { people: 12, unidentified: null, atMs: 1 },
    'the people seen but not identified are a count of their own',
  );
});
