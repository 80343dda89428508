/**
 * Another tenant's report latency while a heavy BI query runs: idle, during a heavy query in a BI
 * sandbox engine (today), and during the same query on the shared main engine (before the sandbox).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouseClient } from '../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig } from '../common/config.ts';
import { applyMigrations } from '../storage/clickhouse/apply-migrations.ts';
import { createApp, hashApiKey } from '../analytics-api/index.ts';
import { openBiService } from '../analytics-api/bi/open-bi-service.ts';
import { printTable, type Row } from '../common/print-table.ts';
import { timeIt } from './time-it.ts';

const RUNS = 15;
const HEAVY_SECONDS = 8;
const HEAVY =
  'SELECT count() FROM bi_footfall_hourly a CROSS JOIN bi_footfall_hourly b CROSS JOIN bi_footfall_hourly c CROSS JOIN bi_footfall_hourly d';

/** `days` days × 12 hours of visits at `site`. */
function visitsSql(site: string, tenant: string, days: number): string {
  return `INSERT INTO visits (site_id, tenant, visit_id, identity_id, start, end, local_date, local_hour, cameras, sightings, returning, counted, status, rules_version, version)
    SELECT '${site}', '${tenant}', concat('${site}-', toString(number)), concat('p', toString(number % 500)), s, s + toIntervalMinute(5), toDate(s), toHour(s), ['entrance'], 1, 0, 1, 'closed', 'v1-bench', 1
    FROM (SELECT number, toDateTime64(${Date.parse('2026-08-01T08:00:00Z') / 1000} + intDiv(number, 60) * 86400 + (number % 12) * 3600 + (number % 60), 3, 'UTC') AS s FROM numbers(${days * 60}))`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export async function benchBi(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'revisit-bench-bi-'));
  const config = loadConfig(
    {
      dataDir,
      sites: [
        { id: 'a-1', name: 'A', tenant: 'a' },
        { id: 'b-1', name: 'B', tenant: 'b' },
      ],
      api: {
        keys: [
          { tenant: 'a', sha256: hashApiKey('bench-a') },
          { tenant: 'b', sha256: hashApiKey('bench-b') },
        ],
      },
      bi: { port: 'off', limits: { maxExecutionSeconds: HEAVY_SECONDS } },
    },
    {},
  );
  const clickhouse = await createClickHouseClient(config);
  const bi = await openBiService(config, clickhouse);
  try {
    await applyMigrations(clickhouse);
    await clickhouse.command({ query: visitsSql('a-1', 'a', 60) });
    await clickhouse.command({ query: visitsSql('b-1', 'b', 60) });
    const app = createApp({ config, clickhouse, bi });
    const report = async () => {
      const res = await app.request(
        '/api/v1/sites/b-1/reports/footfall?from=2026-08-01&to=2026-09-30&granularity=day',
        { headers: { Authorization: 'Bearer bench-b' } },
      );
      if (res.status !== 200) throw new Error(`report answered ${res.status}`);
      await res.arrayBuffer();
    };
    const measure = async (label: string, heavy?: () => Promise<unknown>) => {
      await report();
      const t0 = performance.now();
      const running = heavy?.()
        .then(
          async (r) =>
            r instanceof Response
              ? `${r.status} code ${r.headers.get('x-clickhouse-exception-code') ?? '-'}`
              : 'answered',
          (e: Error) => e.message.slice(0, 40),
        )
        .then((outcome) => ({ outcome, s: (performance.now() - t0) / 1000 }));
      // Let the heavy query start before timing (the sandbox's engine loads its scope first).
      if (running) await new Promise((r) => setTimeout(r, 1500));
      const ms: number[] = [];
      let failed = 0;
      for (let i = 0; i < RUNS; i++) {
        // A failed report counts, not times (beside a heavy query on the shared engine, one failed to parse its own result).
        await timeIt(report).then(
          (s) => ms.push(s * 1000),
          () => failed++,
        );
      }
      const ended = await running;
      ms.sort((x, y) => x - y);
      return {
        while: label,
        'p50 ms': percentile(ms, 0.5) ?? NaN,
        'p95 ms': percentile(ms, 0.95) ?? NaN,
        'max ms': ms.at(-1) ?? NaN,
        failed,
        'heavy query': ended ? `${ended.outcome}, ${ended.s.toFixed(1)} s` : '-',
      } as Row;
    };
    const rows: Row[] = [];
    rows.push(await measure('idle (baseline)'));
    rows.push(
      await measure(`a heavy BI query runs in a sandbox engine (/bi/, limit ${HEAVY_SECONDS} s)`, async () =>
        app.request(`/bi/?query=${encodeURIComponent(HEAVY)}`, { headers: { 'X-ClickHouse-Key': 'bench-a' } }),
      ),
    );
    const onMain = HEAVY.replaceAll('bi_footfall_hourly', "bi_footfall_hourly(tenant = 'a', min_count = 5)");
    rows.push(
      await measure(`the same query on the shared main engine (before the sandbox, limit ${HEAVY_SECONDS} s)`, () =>
        clickhouse.query({ query: `${onMain} SETTINGS max_execution_time = ${HEAVY_SECONDS}` }),
      ),
    );
    const idle = rows[0]['p50 ms'] as number;
    for (const r of rows) r['p50 vs idle'] = `${((r['p50 ms'] as number) / idle).toFixed(1)}×`;
    printTable(
      `Another tenant's footfall report (60 days) while tenant a runs a 4-way cross join over BI; ${RUNS} runs each, BI isolation: ${bi.status().isolation}`,
      rows,
    );
  } finally {
    await bi.close();
    await clickhouse.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
