// The TypeScript rule (reports/privacy) and the SQL of the BI views (migration 0040) hide the same
// cells and show the same numbers, day by day, on the same data in embedded ClickHouse.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  publishDwell,
  publishFootfall,
  publishReturning,
  publishTransitions,
  type PublishContext,
} from '../../reports/index.ts';
import { startSmallCountsStore, type SmallCountsStore } from '../harness/small-counts-store.ts';

let store: SmallCountsStore;
before(async () => (store = await startSmallCountsStore()));
after(async () => store?.close());

type Row = Record<string, string | number | null>;

async function bi(view: string): Promise<Row[]> {
  const result = await store.clickhouse.query({
    query: `SELECT * FROM ${view}(tenant = 'sim', min_count = {k:UInt64}) WHERE site_id = 's1' ORDER BY ALL`,
    query_params: { k: store.config.privacy.minCount },
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return result.json<Row>();
}

function dayContext(day: string, next: string): PublishContext {
  return {
    clickhouse: store.clickhouse,
    range: { siteId: 's1', timeZone: 'UTC', from: day, to: next },
    minCount: store.config.privacy.minCount,
  };
}

const nextDay = (d: string) => new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10);

test('hours: the hidden cells and shown numbers of bi_footfall_hourly equal the API report of each single day', async (t) => {
  const rows = await bi('bi_footfall_hourly');
  let hidden = 0;
  let complements = 0;
  let splitComplements = 0;
  for (const day of store.days) {
    const api = await publishFootfall(dayContext(day, nextDay(day)), 'hour');
    const sql = rows.filter((r) => r.local_date === day);
    assert.deepEqual(
      sql.map((r) => [
        `${r.local_date} ${String(r.local_hour).padStart(2, '0')}:00`,
        r.visitors,
        r.visits,
        r.new_visits,
        r.returning_visits,
      ]),
      api.buckets.map((b) => [b.period, b.visitors, b.visits, b.newVisits, b.returningVisits]),
      day,
    );
    hidden += api.suppressed.length;
    // A complement: a hidden figure whose value is not small (the rule hid it to protect another).
    const raw = await publishFootfall({ ...dayContext(day, nextDay(day)), minCount: 1 }, 'hour');
    const k = store.config.privacy.minCount;
    const notSmall = (n: number | null) => n === 0 || n! >= k;
    complements += api.buckets.filter((b, i) => b.visits === null && notSmall(raw.buckets[i].visits)).length;
    splitComplements += api.buckets.filter(
      (b, i) =>
        b.visits !== null &&
        b.newVisits === null &&
        notSmall(raw.buckets[i].newVisits) &&
        notSmall(raw.buckets[i].returningVisits),
    ).length;
  }
  t.diagnostic(
    `${hidden} hidden figures; ${complements} hours and ${splitComplements} splits hidden to protect others`,
  );
  assert.ok(
    hidden > 50 && complements > 0 && splitComplements > 0,
    `the data exercise the rule: ${hidden} hidden figures, ${complements} hours and ${splitComplements} splits hidden to protect others`,
  );
});

test('days: bi_visitors_daily hides what the day footfall and the returning report of that day hide', async () => {
  const rows = await bi('bi_visitors_daily');
  let splits = 0;
  for (const day of store.days) {
    const x = dayContext(day, nextDay(day));
    const [footfall, returning] = await Promise.all([publishFootfall(x, 'day'), publishReturning(x)]);
    const [sql] = rows.filter((r) => r.local_date === day);
    const [b] = footfall.buckets;
    assert.deepEqual(
      [sql.visitors, sql.visits, sql.returning_visits],
      [b.visitors, b.visits, b.returningVisits],
      `${day} footfall`,
    );
    assert.deepEqual(
      [sql.visitors, sql.new_visitors, sql.returning_visitors, sql.visits, sql.returning_visits],
      [
        returning.visitors,
        returning.newVisitors,
        returning.returningVisitors,
        returning.visits,
        returning.returningVisits,
      ],
      `${day} returning`,
    );
    assert.equal(sql.returning_visit_rate === null, returning.returningVisitRate === null, `${day} rate`);
    if (sql.returning_visit_rate !== null)
      assert.ok(Math.abs(Number(sql.returning_visit_rate) - returning.returningVisitRate!) < 1e-4);
    if (sql.new_visitors === null && sql.visitors !== null) splits++;
  }
  assert.ok(splits > 0, 'some day hides its visitor split');
});

test('dwell and transitions: the same days and camera pairs are hidden', async () => {
  const [dwellRows, linkRows] = await Promise.all([bi('bi_dwell_daily'), bi('bi_camera_transitions_daily')]);
  for (const day of store.days) {
    const x = dayContext(day, nextDay(day));
    const [dwell, transitions] = await Promise.all([publishDwell(x), publishTransitions(x)]);
    const [d] = dwellRows.filter((r) => r.local_date === day);
    assert.deepEqual([d.visits, d.dwell_median_s === null], [dwell.visits, dwell.medianS === null], `${day} dwell`);
    const sqlLinks = linkRows
      .filter((r) => r.local_date === day)
      .map((r) => [r.from_camera, r.to_camera, r.visits])
      .sort();
    assert.deepEqual(sqlLinks, transitions.links.map((l) => [l.from, l.to, l.visits]).sort(), `${day} transitions`);
  }
});
