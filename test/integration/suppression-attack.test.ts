// The attack on suppression, with one key on a seeded small store (real embedded ClickHouse):
// every output of the key (report JSON and CSV, compare=previous, charts, the BI views) is read
// and every way of working out a hidden count below minCount is tried — rate × visits,
// visitors − new, a day's total − its shown hours, the previous period, CSV against JSON, chart
// data, and finally all published sums at once (Gaussian elimination). None may yield one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { publishDwell, publishFootfall, publishReturning, type PublishContext } from '../../reports/index.ts';
import { deriveHidden, sumRelation, type Relation } from '../harness/derive-hidden-counts.ts';
import { SMALL_KEYS, startSmallCountsStore, type SmallCountsStore } from '../harness/small-counts-store.ts';

let store: SmallCountsStore;
let K: number;
before(async () => {
  store = await startSmallCountsStore();
  K = store.config.privacy.minCount;
});
after(async () => store?.close());

type Json = Record<string, any>;
const small = (n: number | undefined) => n !== undefined && n > 0 && n < K;
const nextDay = (d: string) => new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10);

async function api(path: string): Promise<Response> {
  const res = await store.app.request(path, { headers: { authorization: `Bearer ${SMALL_KEYS.all}` } });
  assert.equal(res.status, 200, path);
  return res;
}
const report = async (name: string, from: string, to: string, extra = '') =>
  (await (await api(`/api/v1/sites/s1/reports/${name}?from=${from}&to=${to}${extra}`)).json()) as Json;
const chart = async (name: string, from: string, to: string, extra = '') =>
  (await (await api(`/api/v1/sites/s1/charts/${name}?from=${from}&to=${to}${extra}`)).json()) as Json;

/** The unsuppressed truth, for judging what an attacker obtained (minCount 1 hides nothing). */
function truth(from: string, to: string): PublishContext {
  return { clickhouse: store.clickhouse, range: { siteId: 's1', timeZone: 'UTC', from, to }, minCount: 1 };
}

/**
 * The BI rows of the key's tenant, read from the views every BI path serves (the embedded endpoint
 * binds tenant and min_count from the key, a server's per-key views fix them): the views, not an
 * endpoint, are what this test attacks.
 */
async function bi(view: string, day?: string): Promise<Json[]> {
  const rows = await store.clickhouse.query({
    query: `SELECT * FROM ${view}(tenant = 'sim', min_count = {k:UInt64}) WHERE site_id = 's1' ${day ? 'AND local_date = {d:Date}' : ''} ORDER BY ALL`,
    query_params: { k: K, d: day ?? '1970-01-01' },
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return rows.json<Json>();
}

/** Resolves a JSON Pointer. */
function at(doc: Json, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<any>((v, t) => v?.[t.replaceAll('~1', '/').replaceAll('~0', '~')], doc);
}

test('representation: every hidden figure is null and listed, every listed figure is null, never a 0', async () => {
  const { days, to } = store;
  for (const name of ['footfall', 'dwell', 'returning', 'paths', 'transitions', 'occupancy']) {
    for (const granularity of ['hour', 'day', 'week']) {
      const r = (await report(name, days[0], to, `&granularity=${granularity}`)).report;
      assert.equal(r.minCount, K);
      for (const p of r.suppressed) assert.equal(at(r, p), null, `${name} ${p}`);
      const nulls: string[] = [];
      const walk = (v: unknown, path: string) => {
        if (v === null) nulls.push(path);
        else if (typeof v === 'object') for (const [k, x] of Object.entries(v as object)) walk(x, `${path}/${k}`);
      };
      walk({ ...r, suppressed: undefined }, '');
      // A null coverage is "unknown" (this store's cameras send no heartbeats), not a hidden count.
      const counts = nulls.filter((p) => !p.endsWith('/upToMin') && !p.endsWith('/coverage'));
      assert.deepEqual(counts.sort(), [...r.suppressed].sort(), `${name}: nulls are exactly the listed ones`);
    }
  }
});

test('rate × visits and visitors − new give back no hidden count (API reports and BI rows)', async () => {
  let tried = 0;
  for (const [from, to] of [[store.days[0], store.to], ...store.days.map((d) => [d, nextDay(d)])]) {
    const r = (await report('returning', from, to)).report;
    const real = await publishReturning(truth(from, to));
    const attempts: Array<[string, number | null, number]> = [
      [
        'returningVisitRate × visits',
        r.returningVisitRate !== null && r.visits !== null ? Math.round(r.returningVisitRate * r.visits) : null,
        real.returningVisits!,
      ],
      [
        'visits − rate × visits',
        r.returningVisitRate !== null && r.visits !== null
          ? r.visits - Math.round(r.returningVisitRate * r.visits)
          : null,
        real.visits! - real.returningVisits!,
      ],
      [
        'returningVisitorRate × visitors',
        r.returningVisitorRate !== null && r.visitors !== null ? Math.round(r.returningVisitorRate * r.visitors) : null,
        real.returningVisitors!,
      ],
      [
        'visitors − new visitors',
        r.visitors !== null && r.newVisitors !== null ? r.visitors - r.newVisitors : null,
        real.visitors! - real.newVisitors!,
      ],
      [
        'visitors − returning visitors',
        r.visitors !== null && r.returningVisitorRate !== null
          ? r.visitors - Math.round(r.returningVisitorRate * r.visitors)
          : null,
        real.visitors! - real.returningVisitors!,
      ],
      [
        'new + returning − visitors',
        r.newVisitors !== null && r.returningVisitors !== null && r.visitors !== null
          ? r.newVisitors + r.returningVisitors - r.visitors
          : null,
        real.newVisitors! + real.returningVisitors! - real.visitors!,
      ],
    ];
    for (const [how, got, value] of attempts) {
      if (got === null) continue;
      tried++;
      assert.equal(got, value, `${how} is what it should be`);
      assert.ok(!small(value), `${from}..${to}: ${how} = ${value}, a count below ${K}`);
    }
  }
  for (const row of await bi('bi_visitors_daily')) {
    const real = await publishReturning(truth(row.local_date, nextDay(row.local_date)));
    if (row.returning_visit_rate !== null && row.visits !== null)
      assert.ok(
        !small(Math.round(row.returning_visit_rate * row.visits)) &&
          !small(row.visits - Math.round(row.returning_visit_rate * row.visits)),
        `BI ${row.local_date} rate`,
      );
    if (row.visitors !== null && row.new_visitors !== null)
      assert.ok(!small(row.visitors - row.new_visitors), `BI ${row.local_date} visitors − new_visitors`);
    if (row.visitors !== null && row.returning_visitors !== null && row.new_visitors !== null)
      assert.ok(!small(row.new_visitors + row.returning_visitors - row.visitors), `BI ${row.local_date} both`);
    if (row.new_visitors === null)
      assert.ok(
        small(real.visitors! - real.newVisitors!) ||
          small(real.visitors! - real.returningVisitors!) ||
          small(real.newVisitors! + real.returningVisitors! - real.visitors!) ||
          small(real.visitors!),
        'hidden only for a reason',
      );
  }
  assert.ok(tried > 20, `${tried} derivations tried`);
});

const COLS = ['visits', 'newVisits', 'returningVisits'] as const;
const BI_COLS: Record<(typeof COLS)[number], string> = {
  visits: 'visits',
  newVisits: 'new_visits',
  returningVisits: 'returning_visits',
};

test("a day's total minus its shown hours never leaves a single hidden hour (API day and hour reports, BI daily and hourly)", async () => {
  let groups = 0;
  const biHours = await bi('bi_footfall_hourly');
  const biDays = await bi('bi_visitors_daily');
  const wholeHours = (await report('footfall', store.days[0], store.to, '&granularity=hour')).report;
  for (const day of store.days) {
    const dayReport = (await report('footfall', day, nextDay(day), '&granularity=day')).report;
    const hourReport = (await report('footfall', day, nextDay(day), '&granularity=hour')).report;
    const [biDay] = biDays.filter((r) => r.local_date === day);
    const totals = {
      visits: dayReport.totals.visits ?? biDay.visits,
      returningVisits: dayReport.totals.returningVisits ?? biDay.returning_visits,
      newVisits: dayReport.totals.newVisits,
    };
    const hourSources: Array<[string, Array<Record<string, number | null>>]> = [
      ['API hours of the day', hourReport.buckets],
      ['API hours of the whole range', wholeHours.buckets.filter((b: Json) => b.period.startsWith(day))],
      [
        'BI hours',
        biHours.filter((r) => r.local_date === day).map((r) => Object.fromEntries(COLS.map((c) => [c, r[BI_COLS[c]]]))),
      ],
    ];
    for (const [source, hours] of hourSources) {
      for (const col of COLS) {
        if (totals[col] === null) continue;
        groups++;
        const hidden = hours.filter((h) => h[col] === null);
        assert.notEqual(hidden.length, 1, `${day} ${col}: ${source} − the day's total would give the one hidden hour`);
      }
    }
  }
  assert.ok(groups > 40, `${groups} day groups tried`);
});

test('the previous period inside compare=previous is the report of that period, hidden alike: the comparison adds nothing', async () => {
  const [mid, end, start] = [store.days[7], store.to, store.days[0]];
  for (const name of ['footfall', 'dwell', 'returning', 'paths', 'transitions']) {
    for (const granularity of ['hour', 'day']) {
      const both = await report(name, mid, end, `&compare=previous&granularity=${granularity}`);
      assert.deepEqual(
        both.report,
        (await report(name, mid, end, `&granularity=${granularity}`)).report,
        `${name} now`,
      );
      assert.deepEqual(
        both.previous.report,
        (await report(name, start, mid, `&granularity=${granularity}`)).report,
        `${name} before`,
      );
    }
  }
});

test('CSV holds what JSON holds: hidden cells empty and named in the suppressed column, never a number', async () => {
  const tables: Record<string, string> = {
    footfall: 'buckets',
    dwell: 'histogram',
    returning: 'frequency',
    paths: 'paths',
    transitions: 'links',
    occupancy: 'overDay',
  };
  for (const [name, table] of Object.entries(tables)) {
    for (const [from, to] of [
      [store.days[0], store.to],
      [store.days[2], store.days[3]],
    ]) {
      const json = (await report(name, from, to, '&granularity=hour')).report;
      const lines = (
        await (await api(`/api/v1/sites/s1/reports/${name}?from=${from}&to=${to}&granularity=hour&format=csv`)).text()
      )
        .trim()
        .split('\r\n');
      const header = lines[0].split(',');
      assert.equal(header.at(-1), 'suppressed');
      json[table].forEach((row: Json, i: number) => {
        // No published value holds a comma or a quote (periods, camera paths, numbers, field names).
        const cells = lines[i + 1].split(',');
        assert.equal(cells.length, header.length, `${name} row ${i}`);
        const hiddenHere = json.suppressed
          .filter((p: string) => p.startsWith(`/${table}/${i}/`))
          .map((p: string) => p.split('/').at(-1));
        assert.deepEqual(cells.at(-1)!.split(' ').filter(Boolean), hiddenHere, `${name} row ${i}`);
        header.slice(0, -1).forEach((col, j) => {
          const v = row[col];
          if (v === null) assert.equal(cells[j], '', `${name} row ${i} ${col} hidden in JSON, empty in CSV`);
          else if (typeof v === 'number') assert.equal(Number(cells[j]), v, `${name} row ${i} ${col}`);
        });
      });
    }
  }
});

test('charts carry only published numbers: a hidden bar is minCount high, flagged, its tooltip says hidden', async () => {
  const { days, to } = store;
  const checkBars = (values: Json[], published: Array<number | null>, what: string) => {
    assert.equal(values.length, published.length, what);
    values.forEach((v, i) => {
      if (published[i] === null) {
        assert.deepEqual([v.bar, v.hidden], [K, true], `${what} ${i}`);
        assert.doesNotMatch(String(v.shown), /^\d/, `${what} ${i} tooltip`);
      } else assert.deepEqual([v.bar, v.hidden], [published[i], false], `${what} ${i}`);
    });
  };
  for (const granularity of ['hour', 'day']) {
    const f = (await report('footfall', days[0], to, `&granularity=${granularity}`)).report;
    const spec = await chart('footfall', days[0], to, `&granularity=${granularity}`);
    // Time charts are layered: the bars, then the labels of hours no camera watched (none here).
    checkBars(
      spec.layer[0].data.values,
      f.buckets.flatMap((b: Json) => [b.visits, b.visitors]),
      `footfall by ${granularity}`,
    );
    const split = await chart('new-vs-returning', days[0], to, `&granularity=${granularity}`);
    const expected = f.buckets.flatMap((b: Json) =>
      b.newVisits !== null ? [b.newVisits, b.returningVisits] : [b.visits ?? K],
    );
    assert.deepEqual(
      split.layer[0].data.values.map((v: Json) => v.visits),
      expected,
      `new vs returning by ${granularity}`,
    );
  }
  const dwell = (await report('dwell', days[0], days[1])).report;
  checkBars(
    (await chart('dwell', days[0], days[1])).data.values,
    dwell.histogram.map((h: Json) => h.visits),
    'dwell',
  );
  const paths = (await report('paths', days[0], days[1])).report;
  checkBars(
    (await chart('paths', days[0], days[1])).data.values,
    paths.paths.map((p: Json) => p.visits),
    'paths',
  );
  const links = (await report('transitions', days[0], days[1])).report.links;
  const drawn = (await chart('transitions', days[0], days[1])).layer[0].data.values;
  assert.deepEqual(
    drawn.map((l: Json) => [l.width, l.hidden]),
    links.map((l: Json) => [l.visits ?? K, l.visits === null]),
    'transitions',
  );
  const occupancy = (await report('occupancy', days[0], days[1])).report;
  const layers = (await chart('occupancy', days[0], days[1])).layer;
  assert.deepEqual(
    layers[0].data.values,
    occupancy.overDay,
    'the area draws the published points (hidden ones break it)',
  );
  assert.equal(
    layers[1].data.values.length,
    occupancy.overDay.filter((o: Json) => o.people === null).length,
    'one grey block per hidden step',
  );
});

/** Figure names for the solver: footfall cells by level and period, and the visitor figures of a range. */
const cell = (level: string, period: string, col: string) => `${level}|${period}|${col}`;

/** The sums that tie a range's footfall cells together: each row, hours → days → weeks → totals. */
function footfallRelations(hours: string[], days: string[], weeks: Map<string, string[]>): Relation[] {
  const rows = [
    ...hours.map((h) => ['hour', h]),
    ...days.map((d) => ['day', d]),
    ...[...weeks.keys()].map((w) => ['week', w]),
    ['total', ''],
  ];
  const relations = rows.map(([l, p]) =>
    sumRelation(cell(l, p, 'visits'), [cell(l, p, 'newVisits'), cell(l, p, 'returningVisits')]),
  );
  for (const col of COLS) {
    for (const d of days)
      relations.push(
        sumRelation(
          cell('day', d, col),
          hours.filter((h) => h.startsWith(d)).map((h) => cell('hour', h, col)),
        ),
      );
    for (const [w, ds] of weeks)
      relations.push(
        sumRelation(
          cell('week', w, col),
          ds.map((d) => cell('day', d, col)),
        ),
      );
    relations.push(
      sumRelation(
        cell('total', '', col),
        [...weeks.keys()].map((w) => cell('week', w, col)),
      ),
    );
  }
  return relations;
}

test('all published sums at once: no count below minCount follows from every output of one range, nor of one day with BI', async () => {
  const { days, to } = store;
  const mondays = new Map<string, string[]>();
  for (const d of days) {
    const monday = new Date(Date.parse(d) - ((new Date(d).getUTCDay() + 6) % 7) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    mondays.set(monday, [...(mondays.get(monday) ?? []), d]);
  }
  const solve = async (from: string, until: string, withBi: boolean) => {
    const dayList = days.filter((d) => d >= from && d < until);
    const weeks = new Map(
      [...mondays]
        .map(([w, ds]) => [w, ds.filter((d) => dayList.includes(d))] as [string, string[]])
        .filter(([, ds]) => ds.length),
    );
    const levels: Array<[string, string]> = [
      ['hour', 'hour'],
      ['day', 'day'],
      ['week', 'week'],
    ];
    const known = new Map<string, number>();
    const real = new Map<string, number>();
    let hours: string[] = [];
    for (const [level, granularity] of levels) {
      const published = (await report('footfall', from, until, `&granularity=${granularity}`)).report;
      const truthful = await publishFootfall(truth(from, until), granularity as 'hour');
      if (level === 'hour') hours = truthful.buckets.map((b) => b.period);
      // The API draws the full time axis; the truth lists periods with visits. The others are real zeros.
      const publishedAt = new Map<string, Json>(published.buckets.map((b: Json) => [b.period, b]));
      for (const [period, b] of publishedAt)
        if (!truthful.buckets.some((t) => t.period === period))
          assert.equal(b.visits, 0, `${level} ${period}: no visit, a 0`);
      truthful.buckets.forEach((b) => {
        const shown = publishedAt.get(b.period)!;
        for (const col of COLS) {
          real.set(cell(level, b.period, col), b[col]!);
          if (shown[col] !== null) known.set(cell(level, b.period, col), shown[col]);
        }
      });
      for (const col of COLS) {
        real.set(cell('total', '', col), truthful.totals[col]!);
        if (published.totals[col] !== null) known.set(cell('total', '', col), published.totals[col]);
      }
    }
    const relations = footfallRelations(hours, dayList, weeks);
    // The returning and dwell reports of the range print the same totals (and rates that give them).
    const returning = (await report('returning', from, until)).report;
    if (returning.visits !== null) known.set(cell('total', '', 'visits'), returning.visits);
    if (returning.returningVisits !== null) known.set(cell('total', '', 'returningVisits'), returning.returningVisits);
    if (returning.returningVisitRate !== null && returning.visits !== null)
      known.set(cell('total', '', 'returningVisits'), Math.round(returning.returningVisitRate * returning.visits));
    const dwell = (await report('dwell', from, until)).report;
    const dwellTruth = await publishDwell(truth(from, until));
    relations.push(
      sumRelation(
        cell('total', '', 'visits'),
        dwellTruth.histogram.map((_, i) => `band|${i}`),
      ),
    );
    dwellTruth.histogram.forEach((h, i) => {
      real.set(`band|${i}`, h.visits!);
      if (dwell.histogram[i].visits !== null) known.set(`band|${i}`, dwell.histogram[i].visits);
    });
    if (withBi) {
      for (const r of await bi('bi_footfall_hourly', from)) {
        const period = `${r.local_date} ${String(r.local_hour).padStart(2, '0')}:00`;
        for (const col of COLS) if (r[BI_COLS[col]] !== null) known.set(cell('hour', period, col), r[BI_COLS[col]]);
      }
      for (const r of await bi('bi_visitors_daily', from)) {
        if (r.visits !== null) known.set(cell('day', r.local_date, 'visits'), r.visits);
        if (r.returning_visits !== null) known.set(cell('day', r.local_date, 'returningVisits'), r.returning_visits);
        if (r.returning_visit_rate !== null && r.visits !== null)
          known.set(cell('day', r.local_date, 'returningVisits'), Math.round(r.returning_visit_rate * r.visits));
      }
    }
    for (const [figure, value] of known)
      assert.equal(value, real.get(figure), `${figure}: the outputs agree with each other and the truth`);
    const derived = deriveHidden(relations, known);
    for (const [figure, value] of derived)
      assert.ok(
        !small(real.get(figure)),
        `${from}..${until}${withBi ? ' with BI' : ''}: ${figure} = ${value} follows from the published sums`,
      );
    return [...real.entries()].filter(([f, v]) => small(v) && !known.has(f)).length;
  };
  let protectedCounts = await solve(days[0], to, false);
  for (const d of days) protectedCounts += await solve(d, nextDay(d), true);
  assert.ok(protectedCounts > 100, `${protectedCounts} hidden counts below ${K} stayed hidden`);
});
