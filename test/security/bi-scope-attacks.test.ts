// Cross-site and cross-tenant reads through BI against a real `revisit serve`: the attacker's key (a
// viewer of acme-north) asks for acme-south and bolt-central by name, by guessing, through metadata,
// other databases and client parameters, and tries to derive a suppressed count from what it may
// read. Every channel (/bi/ and the BI listener, GET and POST); at the end nothing leaked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BI_TABLES } from '../../analytics-api/bi/sql/index.ts';
import { biChannels, notOwnRowsOnly, notRefusedWith, rowsOf } from './bi-channels.ts';
import { FOREIGN_SITES, OWN_SITE } from './plan-two-tenant-seed.ts';
import { startAttackTarget, type AttackTarget } from './start-attack-target.ts';

const MIN_COUNT = 5;
let target: AttackTarget;

before(async () => {
  // Hundreds of queries from one key: the rate limits are attacked in resource-attacks.test.ts.
  target = await startAttackTarget({ bi: { requestsPerMinute: 10_000 } });
});

after(async () => target?.remove());

/** The rows of `sql` for `key`, the same on every channel. */
async function rows(key: string, sql: string): Promise<Array<Record<string, unknown>>> {
  // One after another: a key has at most bi.perKeyConcurrency (2) queries in flight.
  const answers = [];
  for (const channel of biChannels(target, key)) answers.push(rowsOf(await channel.send(sql)));
  for (const a of answers.slice(1)) assert.deepEqual(a, answers[0], sql);
  return answers[0];
}

test('the data the attacker must not reach is there: the other keys read acme-south and bolt-central', async () => {
  const { day1 } = target.seed;
  const sql = `SELECT site_id, visitors FROM bi_visitors_daily WHERE local_date = '${day1}' ORDER BY site_id`;
  assert.deepEqual(await rows(target.keys.tenantA, sql), [
    { site_id: 'acme-north', visitors: 10 },
    { site_id: 'acme-south', visitors: 8 },
  ]);
  assert.deepEqual(await rows(target.keys.tenantB, sql), [{ site_id: 'bolt-central', visitors: 9 }]);
  assert.deepEqual(await rows(target.keys.attacker, sql), [{ site_id: 'acme-north', visitors: 10 }]);
});

test("asking for another site or tenant by name, by guessing or by pattern returns the attacker's rows or none", async () => {
  const sqls = BI_TABLES.flatMap((view) => [
    ...FOREIGN_SITES.map((site) => `SELECT * FROM ${view} WHERE site_id = '${site}'`),
    `SELECT * FROM ${view} WHERE site_id != '${OWN_SITE}'`,
    `SELECT * FROM ${view} WHERE site_id IN ('acme-south', 'bolt-central')`,
    `SELECT * FROM ${view} WHERE site_id LIKE '%'`,
    `SELECT * FROM ${view} WHERE startsWith(site_id, 'bolt') OR startsWith(site_id, 'acme')`,
    `SELECT DISTINCT site_id FROM ${view}`,
    `SELECT * FROM ${view} AS a CROSS JOIN ${view} AS b WHERE a.site_id != b.site_id`,
  ]);
  for (const sql of sqls) {
    for (const channel of biChannels(target, target.keys.attacker)) {
      const probe = await channel.send(sql);
      assert.equal(probe.status, 200, `${channel.name}: ${sql}: ${probe.text}`);
      assert.equal(notOwnRowsOnly(probe), null, `${channel.name}: ${sql}`);
    }
  }
  assert.deepEqual(
    await rows(target.keys.attacker, `SELECT count() AS n FROM bi_footfall_hourly WHERE site_id != '${OWN_SITE}'`),
    [{ n: 0 }],
  );
});

test("the view's own parameters, other databases and client settings cannot widen the scope", async () => {
  const refused: Array<[string, number]> = [
    ["SELECT * FROM bi_visitors_daily(tenant = 'bolt', min_count = 1)", 446],
    ["SELECT * FROM bi_footfall_hourly(tenant = 'acme', min_count = 0)", 446],
    ['SELECT * FROM revisit_bi_bolt.bi_visitors_daily', 81],
    ['SELECT * FROM bolt.bi_visitors_daily', 81],
  ];
  for (const [sql, code] of refused) {
    for (const channel of biChannels(target, target.keys.attacker))
      assert.equal(notRefusedWith(await channel.send(sql), code), null, `${channel.name}: ${sql}`);
  }
  const sql = encodeURIComponent(
    `SELECT site_id, local_hour, visitors FROM bi_footfall_hourly WHERE local_date = '${target.seed.day1}' ORDER BY local_hour`,
  );
  const key = { 'X-ClickHouse-Key': target.keys.attacker };
  for (const base of [`${target.apiUrl}/bi/`, `${target.biUrl}/`]) {
    for (const database of ['revisit_bi_bolt', 'system', 'INFORMATION_SCHEMA']) {
      assert.equal(
        notRefusedWith(await target.probe(`${base}?database=${database}&query=${sql}`, { headers: key }), 81),
        null,
        database,
      );
      assert.equal(
        notRefusedWith(
          await target.probe(`${base}?query=${sql}`, { headers: { ...key, 'X-ClickHouse-Database': database } }),
          81,
        ),
        null,
        database,
      );
    }
    // Settings and parameters a client adds change nothing: its own rows, the small hour still suppressed.
    const widened = await target.probe(
      `${base}?default_format=JSONEachRow&query=${sql}&param_tenant=bolt&tenant=bolt&min_count=1&readonly=0&max_result_rows=0&user=bolt`,
      {
        headers: {
          Authorization: `Basic ${Buffer.from(`bolt:${target.keys.attacker}`).toString('base64')}`,
          'X-ClickHouse-User': 'admin',
        },
      },
    );
    const plain = await target.probe(`${base}?default_format=JSONEachRow&query=${sql}`, { headers: key });
    assert.deepEqual(rowsOf(widened), rowsOf(plain));
    assert.ok(rowsOf(plain).every((r) => r.site_id === OWN_SITE));
    assert.deepEqual(
      rowsOf(plain).find((r) => r.local_hour === 11),
      { site_id: OWN_SITE, local_hour: 11, visitors: null },
      'the small hour stays hidden',
    );
  }
});

test('metadata names the BI views only: system tables are restricted, INFORMATION_SCHEMA and the rest refused', async () => {
  const key = target.keys.attacker;
  const tables = await rows(key, 'SELECT database, name FROM system.tables ORDER BY name');
  assert.deepEqual(
    tables,
    [...BI_TABLES].sort().map((name) => ({ database: 'default', name })),
  );
  const columns = await rows(key, 'SELECT DISTINCT table FROM system.columns ORDER BY table');
  assert.deepEqual(
    columns.map((r) => r.table),
    [...BI_TABLES].sort(),
  );
  assert.deepEqual(
    await rows(key, "SELECT name FROM system.columns WHERE name IN ('identity_id', 'visit_id', 'tenant')"),
    [],
  );
  assert.deepEqual(
    await rows(key, "SELECT name FROM system.tables WHERE name IN ('visits', 'sightings') OR database != 'default'"),
    [],
  );
  assert.deepEqual(await rows(key, 'SELECT name FROM system.databases'), [{ name: 'default' }]);
  for (const [sql, code] of [
    ['SELECT * FROM INFORMATION_SCHEMA.TABLES', 60],
    ['SELECT * FROM system.parts', 60],
    ['SELECT * FROM system.query_log', 60],
    ['SHOW TABLES', 164],
    ['SHOW DATABASES', 164],
    ['DESCRIBE TABLE visits', 164],
    ['EXISTS TABLE visits', 164],
    ['KILL QUERY WHERE 1', 164],
    ['SYSTEM FLUSH LOGS', 164],
  ] as const) {
    for (const channel of biChannels(target, key))
      assert.equal(notRefusedWith(await channel.send(sql), code), null, `${channel.name}: ${sql}`);
  }
});

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

test('differencing: no count below the minimum can be derived from what BI or the API gives this key', async () => {
  const { day1 } = target.seed;
  const key = target.keys.attacker;
  const small = (v: unknown) => v !== null && Number(v) > 0 && Number(v) < MIN_COUNT;
  // Every published count is hidden (NULL), zero, or at least the minimum.
  for (const [view, cols] of [
    ['bi_footfall_hourly', ['visitors', 'visits', 'new_visits', 'returning_visits']],
    ['bi_visitors_daily', ['visitors', 'new_visitors', 'returning_visitors', 'visits', 'returning_visits']],
    ['bi_dwell_daily', ['visits']],
    ['bi_camera_transitions_daily', ['visits']],
  ] as const) {
    for (const row of await rows(key, `SELECT ${cols.join(', ')} FROM ${view}`)) {
      for (const c of cols) assert.ok(!small(row[c]), `${view}.${c} = ${row[c]}`);
    }
  }
  // Within a row: a hidden part never follows from the total and the other part, nor from a rate.
  for (const r of await rows(key, 'SELECT * FROM bi_footfall_hourly')) {
    if (r.returning_visits === null && r.visits !== null)
      assert.equal(r.new_visits, null, `visits − new_visits gives the hidden returning visits: ${JSON.stringify(r)}`);
    if (r.new_visits === null && r.visits !== null)
      assert.equal(
        r.returning_visits,
        null,
        `visits − returning_visits gives the hidden new visits: ${JSON.stringify(r)}`,
      );
  }
  for (const r of await rows(key, 'SELECT * FROM bi_visitors_daily')) {
    if (r.returning_visits === null)
      assert.ok(
        r.returning_visit_rate === null || r.visits === null,
        `rate × visits gives the hidden returning visits: ${JSON.stringify(r)}`,
      );
    if (r.returning_visitors === null && r.visitors !== null)
      assert.equal(r.new_visitors, null, `visitors − new gives the hidden returning visitors: ${JSON.stringify(r)}`);
  }
  // Across views: a shown day total minus its shown hours never isolates a single hidden hour.
  const days = await rows(key, 'SELECT site_id, local_date, visits FROM bi_visitors_daily');
  for (const day of days.filter((d) => d.visits !== null)) {
    const hours = await rows(
      key,
      `SELECT visits FROM bi_footfall_hourly WHERE site_id = '${day.site_id}' AND local_date = '${day.local_date}'`,
    );
    const hidden = hours.filter((h) => h.visits === null).length;
    assert.notEqual(hidden, 1, `${day.local_date}: the day's visits minus its shown hours give its one hidden hour`);
  }
  // Aggregates over hidden cells see only the shown ones.
  const [agg] = await rows(
    key,
    `SELECT countIf(visits IS NULL) AS hidden, sum(visits) AS s, sum(ifNull(visits, 0)) AS z FROM bi_footfall_hourly WHERE local_date = '${day1}'`,
  );
  assert.ok(Number(agg.hidden) >= 2, 'the small 11:00 hour and its complement are hidden');
  assert.equal(Number(agg.s ?? 0), Number(agg.z), 'sums skip hidden cells: only shown ones add up');
  // The API gives the same key the same cells hidden: nothing to subtract BI's answer from.
  const api = await fetch(
    `${target.apiUrl}/api/v1/sites/${OWN_SITE}/reports/footfall?from=${day1}&to=${nextDay(day1)}&granularity=hour`,
    { headers: { authorization: `Bearer ${key}` } },
  );
  const body = (await api.json()) as { report: { buckets: Array<Record<string, unknown>> } };
  for (const b of body.report.buckets)
    for (const f of ['visitors', 'visits', 'newVisits', 'returningVisits'])
      assert.ok(!small(b[f]), `API hour ${JSON.stringify(b)}`);
  // Dwell and transitions: no row shows a count of fewer than the minimum.
  for (const view of ['bi_dwell_daily', 'bi_camera_transitions_daily']) {
    assert.deepEqual(
      await rows(key, `SELECT count() AS n FROM ${view} WHERE visits < ${MIN_COUNT} AND visits > 0`),
      [{ n: 0 }],
      view,
    );
  }
});

test('nothing leaked: no canary in any answer or log line, no connection to the listener, no file written', async (t) => {
  t.diagnostic(`${target.probed()} answers checked`);
  await target.stopAndCheck();
});
