// The official ClickHouse JDBC driver (com.clickhouse:clickhouse-jdbc 0.10.0, what DBeaver, DataGrip
// and Metabase use) against the BI listener: it connects with compressed responses, lists the
// tables (BI tables only) and reads bi_visitors_daily. Jars: scripts/fetch-maven-jars.sh jdbc.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createClickHouseClient, type ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig } from '../../common/config.ts';
import { twoCameraVisitors } from '../harness/two-camera-visitors.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { VisitMaintainer } from '../../reid-worker/visits/visit-maintainer.ts';
import { hashApiKey, serveApi, type RunningApi } from '../../analytics-api/index.ts';

const KEY = 'bi-jdbc-key-tenant-a';
const JDBC_DIR = fileURLToPath(new URL('../jdbc/', import.meta.url));
const T0 = Date.parse('2026-11-02T09:00:00Z');
const run = promisify(execFile);

let dir: string;
let clickhouse: ClickHouseClient;
let api: RunningApi;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-bi-jdbc-'));
  const config = loadConfig(
    {
      dataDir: dir,
      sites: [
        { id: 'a-1', name: 'A', tenant: 'a' },
        { id: 'b-1', name: 'B', tenant: 'b' },
      ],
      api: { port: 0, keys: [{ tenant: 'a', sha256: hashApiKey(KEY) }] },
      bi: { port: 0 },
    },
    {},
  );
  clickhouse = await createClickHouseClient(config);
  await applyMigrations(clickhouse);
  const sink = new VisitMaintainer(clickhouse, config);
  await sink.update([...twoCameraVisitors('a-1', 'a-1', 7, T0), ...twoCameraVisitors('b-1', 'b-1', 9, T0)]);
  await sink.sweep();
  api = await serveApi({ config, clickhouse });
  mkdirSync(join(JDBC_DIR, 'classes'), { recursive: true });
  await run('javac', [
    '-d',
    join(JDBC_DIR, 'classes'),
    '-cp',
    join(JDBC_DIR, 'libs/*'),
    join(JDBC_DIR, 'BiJdbcClient.java'),
  ]);
});

after(async () => {
  await api?.close();
  await clickhouse?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the JDBC driver connects to the BI listener with an API key, sees only the BI tables and reads bi_visitors_daily', async () => {
  const url = `jdbc:clickhouse://${new URL(api.biUrl!).host}/default`;
  const { stdout } = await run(
    'java',
    ['-cp', `${join(JDBC_DIR, 'libs/*')}:${join(JDBC_DIR, 'classes')}`, 'BiJdbcClient', url, KEY],
    { timeout: 120_000 },
  );
  const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.match(out.product, /^ClickHouse \d+\./);
  assert.deepEqual(out.tables, [
    'default.bi_camera_transitions_daily',
    'default.bi_dwell_daily',
    'default.bi_footfall_hourly',
    'default.bi_visitors_daily',
  ]);
  assert.deepEqual(out.columns, [
    'site_id',
    'local_date',
    'visitors',
    'new_visitors',
    'returning_visitors',
    'visits',
    'returning_visits',
    'returning_visit_rate',
  ]);
  assert.deepEqual(out.visitors_daily, [['a-1', '2026-11-02', 7]], "tenant a's row only");
  assert.match(
    out.raw,
    /^error: Code: \d+\. DB::Exception: .*\(REVISIT_BI\)/,
    'a raw table is refused with a Revisit error',
  );
});
