// The embedded BI endpoint: a real ClickHouse client (Python clickhouse-connect) reads the
// suppressed, tenant-scoped BI tables from the key's sandboxed engine; anything else is refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createClickHouseClient, type ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig, type RevisitConfig } from '../../common/config.ts';
import { twoCameraVisitors as visitors } from '../harness/two-camera-visitors.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { VisitMaintainer } from '../../reid-worker/visits/visit-maintainer.ts';
import { createApp, hashApiKey, serveApi, type RunningApi } from '../../analytics-api/index.ts';
import { openBiService, type BiService } from '../../analytics-api/bi/open-bi-service.ts';
import { cityHash128 } from '../../analytics-api/bi/compression/city-hash-128.ts';

const KEY_A = 'bi-key-tenant-a';
const KEY_B = 'bi-key-tenant-b';
const T0 = Date.parse('2026-11-02T09:00:00Z');

let dir: string;
let clickhouse: ClickHouseClient;
let config: RevisitConfig;
let api: RunningApi;
let app: ReturnType<typeof createApp>;
let biService: BiService;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-bi-'));
  config = loadConfig(
    {
      dataDir: dir,
      sites: [
        { id: 'a-1', name: 'A', tenant: 'a' },
        { id: 'b-1', name: 'B', tenant: 'b' },
      ],
      api: {
        port: 0,
        keys: [
          { tenant: 'a', sha256: hashApiKey(KEY_A) },
          { tenant: 'b', sha256: hashApiKey(KEY_B) },
        ],
      },
      bi: { port: 'off' },
    },
    {},
  );
  clickhouse = await createClickHouseClient(config);
  await applyMigrations(clickhouse);
  const sink = new VisitMaintainer(clickhouse, config);
  // Tenant a: 7 visitors at 09:00 (shown), 3 at 11:00 and 2 at 12:00 (suppressed; two small hours,
  // so 09:00 needs no cover against the day's total). Tenant b: 9 at 09:00.
  await sink.update([
    ...visitors('a-1', 'a9', 7, T0),
    ...visitors('a-1', 'a11', 3, T0 + 2 * 3600_000),
    ...visitors('a-1', 'a12', 2, T0 + 3 * 3600_000),
    ...visitors('b-1', 'b9', 9, T0),
  ]);
  await sink.sweep();
  biService = await openBiService(config, clickhouse);
  app = createApp({ config, clickhouse, bi: biService });
  api = await serveApi({ config, clickhouse, bi: biService });
});

after(async () => {
  await api.close();
  await biService.close();
  await clickhouse.close();
  rmSync(dir, { recursive: true, force: true });
});

test('clickhouse-connect (Python) queries the views: tenant-scoped, small cells suppressed, writes refused', async () => {
  const script = fileURLToPath(new URL('./bi-clickhouse-connect.py', import.meta.url));
  const { stdout } = await promisify(execFile)('python3', [script, new URL(api.url).port, KEY_A], { timeout: 60_000 });
  const out = JSON.parse(stdout);
  assert.deepEqual(out.hourly_columns, ['site_id', 'd', 'local_hour', 'visitors', 'visits']);
  assert.deepEqual(out.hourly, [
    ['a-1', '2026-11-02', 9, 7, 7],
    ['a-1', '2026-11-02', 11, null, null],
    ['a-1', '2026-11-02', 12, null, null],
  ]);
  assert.equal(out.daily_rate, 0);
  assert.deepEqual(out.tables, [
    'bi_camera_transitions_daily',
    'bi_dwell_daily',
    'bi_footfall_hourly',
    'bi_visitors_daily',
  ]);
  for (const step of ['drop', 'raw_visits', 'system'])
    assert.match(out[step], /^refused: .*(only SELECT|is not readable here)/, step);
  assert.equal(out.insert, 'refused');
});

const bi = (query: string, init: RequestInit = {}, params = '') =>
  app.request(`/bi/?query=${encodeURIComponent(query)}${params}`, init);
const withKey = (key: string): RequestInit => ({ headers: { 'X-ClickHouse-User': 'bi', 'X-ClickHouse-Key': key } });

test('the HTTP interface: key headers, POST bodies, default_format; no key or a bad key is 401', async () => {
  const res = await bi(
    'SELECT site_id, visitors FROM bi_footfall_hourly WHERE visitors IS NOT NULL',
    withKey(KEY_B),
    '&default_format=JSONEachRow',
  );
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-clickhouse-format'), 'JSONEachRow');
  assert.deepEqual(await res.text(), '{"site_id":"b-1","visitors":9}\n');
  const post = await app.request('/bi/', {
    method: 'POST',
    body: 'SELECT count() FROM bi_footfall_hourly FORMAT TabSeparated',
    ...withKey(KEY_B),
  });
  assert.equal(await post.text(), '1\n');
  assert.equal((await bi('SELECT 1')).status, 401);
  assert.equal((await bi('SELECT 1', withKey('nope'))).status, 401);
});

test('a CTE hiding a raw table and a comma join with one are refused; the file-reading exploit of issue 14 is refused', async () => {
  const res = await bi('WITH visits AS (SELECT identity_id FROM visits) SELECT * FROM visits', withKey(KEY_A));
  assert.equal(res.status, 403);
  assert.match(await res.text(), /table visits is not readable here/);
  const file = await bi("SELECT toUInt8(`file`('/etc/passwd'))", withKey(KEY_A));
  assert.equal(file.status, 403);
  assert.equal(file.headers.get('x-clickhouse-exception-code'), '446');
  assert.doesNotMatch(await file.text(), /root:|etc\/passwd/);
  const join = await bi('SELECT * FROM bi_footfall_hourly AS f, visits AS v', withKey(KEY_A));
  assert.ok(join.status >= 400);
  assert.doesNotMatch(await join.text(), /identity_id|a9-|visits AS/);
});

test('suppression: no BI view ever returns a count from 1 to the minimum − 1 (a zero is shown)', async () => {
  for (const [view, cols] of [
    ['bi_footfall_hourly', ['visitors', 'visits', 'new_visits', 'returning_visits']],
    ['bi_visitors_daily', ['visitors', 'visits', 'new_visitors']],
    ['bi_camera_transitions_daily', ['visits']],
    ['bi_dwell_daily', ['visits']],
  ] as const) {
    for (const key of [KEY_A, KEY_B]) {
      const rows = (
        await (await bi(`SELECT ${cols.join(', ')} FROM ${view}`, withKey(key), '&default_format=JSONEachRow')).text()
      )
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      for (const row of rows)
        for (const c of cols)
          assert.ok(
            row[c] === null || Number(row[c]) === 0 || Number(row[c]) >= config.bi.minCount,
            `${view}.${c} = ${row[c]}`,
          );
    }
  }
});

test('what drivers send: /ping, settings in the URL ignored, query_id echoed, database other than default and compressed bodies refused', async () => {
  assert.equal(await (await app.request('/bi/ping')).text(), 'Ok.\n');
  const sql = 'SELECT site_id FROM bi_footfall_hourly ORDER BY local_hour';
  const res = await bi(
    sql,
    withKey(KEY_A),
    '&default_format=TabSeparated&readonly=0&max_result_rows=1&result_overflow_mode=break&session_id=s1&wait_end_of_query=1&enable_http_compression=1&query_id=q-42',
  );
  assert.equal(await res.text(), 'a-1\na-1\na-1\n', 'max_result_rows=1 from the client changed nothing');
  assert.equal(res.headers.get('x-clickhouse-query-id'), 'q-42');
  const other = await bi(sql, withKey(KEY_A), '&database=system');
  assert.equal(other.status, 404);
  assert.equal(other.headers.get('x-clickhouse-exception-code'), '81');
  assert.equal((await bi(sql, withKey(KEY_A), '&decompress=1')).headers.get('x-clickhouse-exception-code'), '48');
});

test('compress=1 answers in ClickHouse compressed blocks holding exactly the plain answer', async () => {
  const sql = 'SELECT * FROM bi_footfall_hourly ORDER BY local_hour';
  const plain = Buffer.from(await (await bi(sql, withKey(KEY_A), '&default_format=JSONEachRow')).arrayBuffer());
  const framed = Buffer.from(
    await (await bi(sql, withKey(KEY_A), '&default_format=JSONEachRow&compress=1')).arrayBuffer(),
  );
  assert.equal(framed[16], 0x82, 'LZ4 method byte');
  const size = framed.readUInt32LE(17);
  assert.equal(16 + size, framed.length, 'one block');
  assert.deepEqual([framed.readBigUInt64LE(0), framed.readBigUInt64LE(8)], cityHash128(framed.subarray(16)));
  assert.equal(framed.readUInt32LE(21), plain.length);
  assert.ok(framed.subarray(16 + 9).includes(plain), 'the LZ4 literals are the plain answer');
});

test('the BI listener sends the security headers, and its failed logins count against the same budget as the API', async () => {
  const strict = { ...config, api: { ...config.api, failedAuthPerMinute: 2 }, bi: { ...config.bi, port: 0 as const } };
  const both = await serveApi({ config: strict, clickhouse, bi: biService });
  try {
    const ping = await fetch(`${both.biUrl}/ping`);
    assert.equal(await ping.text(), 'Ok.\n');
    assert.equal(ping.headers.get('x-content-type-options'), 'nosniff');
    assert.match(ping.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    const badLogin = () =>
      fetch(`${both.biUrl}/?query=${encodeURIComponent('SELECT 1')}`, {
        headers: { 'X-ClickHouse-Key': 'rv_nope_nope' },
      });
    assert.equal((await badLogin()).status, 401);
    assert.equal((await badLogin()).status, 401);
    const spent = await badLogin();
    assert.equal(spent.status, 429);
    assert.equal(spent.headers.get('x-clickhouse-exception-code'), '201');
    const api = await fetch(`${both.url}/api/v1/sites`, { headers: { authorization: `Bearer ${KEY_A}` } });
    assert.equal(api.status, 429, 'the API listener refuses the address that spent its failed logins on BI');
  } finally {
    await both.close();
  }
});
