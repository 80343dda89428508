// BI through the API with sandboxed engines: a key reads only its own sites, heavy and huge queries
// end in generic errors, and while one runs another tenant's report and /readyz still answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClickHouseClient, type ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig } from '../../common/config.ts';
import { twoCameraVisitors as visitors } from '../harness/two-camera-visitors.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { VisitMaintainer } from '../../reid-worker/visits/visit-maintainer.ts';
import { createApp, hashApiKey } from '../../analytics-api/index.ts';
import { openBiService, type BiService } from '../../analytics-api/bi/open-bi-service.ts';

const KEYS = { aAll: 'bi-a-all-sites', aOne: 'bi-a-site-1-only', b: 'bi-b' } as const;
const T0 = Date.parse('2026-11-02T09:00:00Z');
const MAX_RESULT_ROWS = 10_000;

let dir: string;
let clickhouse: ClickHouseClient;
let bi: BiService;
let app: ReturnType<typeof createApp>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-bi-scope-'));
  const config = loadConfig(
    {
      dataDir: dir,
      sites: [
        { id: 'a-1', name: 'A1', tenant: 'a' },
        { id: 'a-2', name: 'A2', tenant: 'a' },
        { id: 'b-1', name: 'B1', tenant: 'b' },
      ],
      api: {
        keys: [
          { tenant: 'a', sha256: hashApiKey(KEYS.aAll) },
          { tenant: 'a', sha256: hashApiKey(KEYS.aOne), sites: ['a-1'] },
          { tenant: 'b', sha256: hashApiKey(KEYS.b) },
        ],
      },
      bi: {
        port: 'off',
        isolation: 'namespaces',
        limits: { maxExecutionSeconds: 5, killMarginSeconds: 3, maxResultRows: MAX_RESULT_ROWS },
      },
    },
    {},
  );
  clickhouse = await createClickHouseClient(config);
  await applyMigrations(clickhouse);
  const sink = new VisitMaintainer(clickhouse, config);
  await sink.update([
    ...visitors('a-1', 'a1', 7, T0),
    ...visitors('a-2', 'a2', 6, T0 + 3600_000),
    ...visitors('b-1', 'b1', 9, T0),
  ]);
  await sink.sweep();
  // 60 days × 12 hours of visits at a-2: ~720 hourly rows, enough for a cross join no limit lets finish.
  await clickhouse.command({
    query: `INSERT INTO visits (site_id, tenant, visit_id, identity_id, start, end, local_date, local_hour, cameras, sightings, returning, counted, status, rules_version, version)
      SELECT 'a-2', 'a', concat('bulk-', toString(number)), concat('p', toString(number % 500)), s, s + toIntervalMinute(5), toDate(s), toHour(s), ['entrance'], 1, 0, 1, 'closed', 'v1-test', 1
      FROM (SELECT number, toDateTime64(${Date.parse('2026-08-01T08:00:00Z') / 1000} + intDiv(number, 60) * 86400 + (number % 12) * 3600 + (number % 60), 3, 'UTC') AS s FROM numbers(3600))`,
  });
  bi = await openBiService(config, clickhouse);
  app = createApp({ config, clickhouse, bi });
});

after(async () => {
  await bi.close();
  await clickhouse.close();
  rmSync(dir, { recursive: true, force: true });
});

const query = (sql: string, key: string) =>
  app.request(`/bi/?default_format=JSONEachRow&query=${encodeURIComponent(sql)}`, {
    headers: { 'X-ClickHouse-Key': key },
  });
const rows = async (sql: string, key: string) =>
  (await (await query(sql, key)).text())
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

test("a key limited to one site sees only that site's rows; another tenant's never", async () => {
  const sites = 'SELECT DISTINCT site_id FROM bi_footfall_hourly ORDER BY site_id';
  assert.deepEqual(await rows(sites, KEYS.aAll), [{ site_id: 'a-1' }, { site_id: 'a-2' }]);
  assert.deepEqual(await rows(sites, KEYS.aOne), [{ site_id: 'a-1' }]);
  assert.deepEqual(await rows(sites, KEYS.b), [{ site_id: 'b-1' }]);
  for (const view of ['bi_visitors_daily', 'bi_dwell_daily', 'bi_camera_transitions_daily']) {
    const seen = (await rows(`SELECT DISTINCT site_id FROM ${view}`, KEYS.aOne)).map((r) => r.site_id);
    assert.ok(
      seen.every((s) => s === 'a-1'),
      `${view}: ${seen}`,
    );
  }
  assert.deepEqual(await rows("SELECT visitors FROM bi_footfall_hourly WHERE site_id = 'a-1'", KEYS.aOne), [
    { visitors: 7 },
  ]);
});

test('a huge result ends in a generic limit error, never as a long or truncated answer', async () => {
  // The result cap stops these; on a loaded machine the memory or time cap may come first: any limit, never an answer.
  for (const sql of [
    'SELECT * FROM bi_footfall_hourly a CROSS JOIN bi_footfall_hourly b',
    'SELECT a.site_id FROM bi_footfall_hourly a, bi_footfall_hourly b, bi_footfall_hourly c',
  ]) {
    const res = await query(sql, KEYS.aAll);
    assert.equal(res.status, 500, sql);
    assert.match(res.headers.get('x-clickhouse-exception-code')!, /^(396|241|159)$/, sql);
    assert.match(
      await res.text(),
      /^Code: (396|241|159)\. DB::Exception: (result|memory|time) limit exceeded \([a-z_, ]+\)\. \(REVISIT_BI\)\n$/,
      sql,
    );
  }
  const multiplier = await query('SELECT arrayJoin(range(20000000))', KEYS.aAll);
  assert.equal(multiplier.status, 403, 'a row multiplier over a computed array never reaches an engine');
  assert.equal(multiplier.headers.get('x-clickhouse-exception-code'), '446');
  const capped = `SELECT 1 AS n FROM bi_footfall_hourly a CROSS JOIN bi_footfall_hourly b LIMIT ${MAX_RESULT_ROWS}`;
  assert.equal((await rows(capped, KEYS.aAll)).length, MAX_RESULT_ROWS, 'right at the cap still answers');
});

test("while a heavy BI query runs, another tenant's report and /readyz answer; the heavy one ends in a generic limit error", async () => {
  const heavy = query(
    'SELECT count() FROM bi_footfall_hourly a CROSS JOIN bi_footfall_hourly b CROSS JOIN bi_footfall_hourly c CROSS JOIN bi_footfall_hourly d',
    KEYS.aAll,
  );
  for (let i = 0; i < 600 && bi.status().busy === 0; i++) await sleep(50);
  assert.equal(bi.status().busy, 1, 'the heavy query holds its engine');
  const report = await app.request('/api/v1/sites/b-1/reports/footfall?from=2026-11-02&to=2026-11-03&granularity=day', {
    headers: { Authorization: `Bearer ${KEYS.b}` },
  });
  assert.equal(report.status, 200);
  const body = await report.json();
  assert.equal(body.report.totals.visitors, 9);
  assert.equal(body.report.totals.visits, 9);
  const ready = await app.request('/readyz');
  assert.equal(ready.status, 200);
  assert.equal((await ready.json()).bi.isolation, 'namespaces');
  const res = await heavy;
  assert.ok(
    ['159', '241'].includes(res.headers.get('x-clickhouse-exception-code')!),
    `code ${res.headers.get('x-clickhouse-exception-code')}`,
  );
  assert.match(
    await res.text(),
    /^Code: (159|241)\. DB::Exception: (time|memory) limit exceeded \((max_execution_time|max_memory_usage)\)\. \(REVISIT_BI\)\n$/,
  );
  assert.deepEqual(
    await rows("SELECT visitors FROM bi_footfall_hourly WHERE site_id = 'a-1'", KEYS.aAll),
    [{ visitors: 7 }],
    'the scope answers again afterwards',
  );
});
