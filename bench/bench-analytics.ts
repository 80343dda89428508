/** Report latency (p50/p95) over one site-month and over 100 site-months with 10M+ sightings, and sink insert throughput, in embedded chdb. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouseClient, type ClickHouseClient } from '../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig } from '../common/config.ts';
import { type Sighting } from '../schemas/index.ts';
import { applyMigrations } from '../storage/clickhouse/apply-migrations.ts';
import { queryRows } from '../storage/clickhouse/query-rows.ts';
import { VisitMaintainer } from '../reid-worker/visits/visit-maintainer.ts';
import { insertSightings } from '../storage/sightings-table.ts';
import * as reports from '../reports/index.ts';
import { printTable, type Row } from '../common/print-table.ts';
import { timeIt } from './time-it.ts';

const SITES = 100;
const DAYS = 30;
const VISITS_PER_SITE_DAY = 600;
/** Each visit leaves about six sightings: 100 site-months → 10.8M sightings. */
const SIGHTINGS_PER_VISIT = 6;
const FIRST_DAY = '2026-10-01';
const T0_S = Date.parse(`${FIRST_DAY}T00:00:00Z`) / 1000;
const RUNS = 15;

/**
 * Site-months of visits and their sightings, generated inside ClickHouse (INSERT … SELECT from
 * numbers()): the materialized views fill as they would from the worker.
 */
async function generate(client: ClickHouseClient, firstSite: number, sites: number): Promise<void> {
  const visits = sites * DAYS * VISITS_PER_SITE_DAY;
  await client.command({
    query: `INSERT INTO visits (site_id, tenant, visit_id, identity_id, start, end, local_date, local_hour, cameras, sightings, returning, counted, status, rules_version, version)
      SELECT site_id, 'bench', toString(n), concat(site_id, '-', toString(h % 4000)), start, start + toIntervalSecond(30 + h % 2700),
             toDate(start), toHour(start), cameras, length(cameras), (h % 10) < 4, 1, 'closed', 'v1-bench', 1
      FROM (SELECT number + ${firstSite * DAYS * VISITS_PER_SITE_DAY} AS n, cityHash64(n) AS h,
                   concat('site-', toString(intDiv(n, ${DAYS * VISITS_PER_SITE_DAY}))) AS site_id,
                   toDateTime64(${T0_S} + intDiv(n % ${DAYS * VISITS_PER_SITE_DAY}, ${VISITS_PER_SITE_DAY}) * 86400 + 32400 + h % 43200, 3, 'UTC') AS start,
                   arrayMap(i -> ['entrance', 'zone-a', 'zone-b', 'zone-c', 'checkout'][1 + (cityHash64(n, i) % 5)], range(${SIGHTINGS_PER_VISIT})) AS cameras
            FROM numbers(${visits}))`,
  });
  await client.command({
    query: `INSERT INTO sightings (observation_id, site_id, camera_id, identity_id, t_start, t_end, similarity, is_new_identity, quality, model_id, label)
      SELECT toString(n), concat('site-', toString(intDiv(n, ${DAYS * VISITS_PER_SITE_DAY * SIGHTINGS_PER_VISIT}))), 'entrance', toString(cityHash64(n) % 4000),
             t, t, 0.8, 0, 0.9, 'bench', ''
      FROM (SELECT number + ${firstSite * DAYS * VISITS_PER_SITE_DAY * SIGHTINGS_PER_VISIT} AS n,
                   toDateTime64(${T0_S} + intDiv(n % ${DAYS * VISITS_PER_SITE_DAY * SIGHTINGS_PER_VISIT}, ${VISITS_PER_SITE_DAY * SIGHTINGS_PER_VISIT}) * 86400 + 32400 + cityHash64(n) % 43200, 3, 'UTC') AS t
            FROM numbers(${visits * SIGHTINGS_PER_VISIT}))`,
  });
}

const SIGHTINGS_SCAN = `SELECT toStartOfHour(t_start) AS hour, uniqExact(identity_id) AS visitors FROM sightings FINAL
  WHERE site_id = 'site-0' AND label = '' AND t_start >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND t_start < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
  GROUP BY hour ORDER BY hour`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function latencies(client: ClickHouseClient, label: string, rows: Row[]): Promise<void> {
  const range: reports.ReportRange = { siteId: 'site-0', timeZone: 'UTC', from: FIRST_DAY, to: '2026-10-31' };
  const fromMs = Date.parse(`${FIRST_DAY}T00:00:00Z`);
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['footfall by hour (MV)', () => reports.queryFootfall(client, range, 'hour')],
    ['footfall by day (MV)', () => reports.queryFootfall(client, range, 'day')],
    ['footfall by week (MV)', () => reports.queryFootfall(client, range, 'week')],
    ['dwell distribution', () => reports.queryDwellDistribution(client, range)],
    ['returning, frequency, days between', () => reports.queryReturningVisitors(client, range)],
    ['top paths', () => reports.queryTopPaths(client, range)],
    ['transitions (MV)', () => reports.queryTransitions(client, range)],
    ['occupancy over the day', () => reports.queryOccupancyOverDay(client, range)],
    // What the views save: visitors per hour counted straight from the month's raw sightings.
    [
      'baseline: unique identities per hour, scanning sightings',
      () => queryRows(client, SIGHTINGS_SCAN, { from: fromMs, to: fromMs + DAYS * 86400_000 }),
    ],
  ];
  for (const [name, run] of cases) {
    await run(); // warm
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) ms.push((await timeIt(run)) * 1000);
    ms.sort((a, b) => a - b);
    rows.push({ report: name, data: label, 'p50 ms': percentile(ms, 0.5), 'p95 ms': percentile(ms, 0.95) });
  }
}

async function sinkThroughput(client: ClickHouseClient, rows: Row[]): Promise<void> {
  const config = loadConfig({ dataDir: tmpdir(), sites: [{ id: 'sink-site', name: 'Sink', tenant: 'bench' }] }, {});
  const t0 = Date.parse('2026-12-01T09:00:00Z');
  const batches = Array.from({ length: 40 }, (_, b) =>
    Array.from(
      { length: 500 },
      (_, i): Sighting => ({
        observationId: `sink-${b}-${i}`,
        siteId: 'sink-site',
        cameraId: 'entrance',
        identityId: `p${(b * 500 + i) % 3000}`,
        tStartMs: t0 + (b * 500 + i) * 500,
        tEndMs: t0 + (b * 500 + i) * 500 + 3000,
        similarity: 0.8,
        isNewIdentity: false,
        quality: 0.9,
        modelId: 'bench',
        label: '',
      }),
    ),
  );
  const visits = new VisitMaintainer(client, config);
  const n = batches.length * 500;
  const tSightings = await timeIt(async () => {
    for (const b of batches) await insertSightings(client, b);
  });
  const tVisits = await timeIt(async () => {
    for (const b of batches) await visits.update(b);
  });
  rows.push({ sink: 'sightings insert (ReplacingMergeTree)', 'batch rows': 500, 'rows/s': n / tSightings });
  rows.push({ sink: 'visit maintainer (sessionise + insert, MVs fire)', 'batch rows': 500, 'rows/s': n / tVisits });
}

export async function benchAnalytics(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'revisit-bench-analytics-'));
  const client = await createClickHouseClient({
    dataDir,
    clickhouse: { username: 'default', password: '', database: 'default' },
  });
  try {
    await applyMigrations(client);
    const rows: Row[] = [];
    await generate(client, 0, 1);
    await latencies(client, '1 site-month', rows);
    const tGen = await timeIt(() => generate(client, 1, SITES - 1));
    const [{ sightings, visits }] = await (
      await client.query({
        query: 'SELECT (SELECT count() FROM sightings) AS sightings, (SELECT count() FROM visits) AS visits',
        format: 'JSONEachRow',
      })
    ).json<{ sightings: string; visits: string }>();
    await latencies(client, `${SITES} site-months`, rows);
    printTable(
      `Reports on embedded chdb: one site's month, alone and among ${SITES} site-months (${Number(visits).toLocaleString('en')} visits, ${Number(sightings).toLocaleString('en')} sightings, generated in ${tGen.toFixed(0)} s); ${RUNS} runs each`,
      rows,
    );
    const sink: Row[] = [];
    await sinkThroughput(client, sink);
    printTable('Sink insert throughput, embedded chdb, 1 process', sink);
  } finally {
    await client.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
