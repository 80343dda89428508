// The BI SQL checker against ClickHouse itself (embedded chdb): the lists match the engine, ClickHouse's own parser
// reads the printed SQL as the same tree, and the printed queries of the corpus and the drivers run and return nothing
// but BI rows. ClickHouse only ever sees SQL this project wrote or printed, never an attack entry's text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouseClient, type ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig } from '../../common/config.ts';
import { ATTACK_CORPUS, TABLE_FUNCTIONS } from '../../analytics-api/bi/sql/attack-corpus.ts';
import {
  ALLOWED_AGGREGATE_FUNCTIONS,
  ALLOWED_SCALAR_FUNCTIONS,
  ALLOWED_TYPES,
  BI_TABLES,
} from '../../analytics-api/bi/sql/bi-allow-list.ts';
import { checkBiQuery } from '../../analytics-api/bi/sql/check-bi-query.ts';
import { DRIVER_QUERIES } from '../../analytics-api/bi/sql/driver-queries.ts';
import { parseStatement } from '../../analytics-api/bi/sql/parse-sql.ts';
import { printQuery, quoteString } from '../../analytics-api/bi/sql/print-sql.ts';
import { PRINTER_CASES } from '../../analytics-api/bi/sql/printer-cases.ts';
import { randomQuery, seededRandom } from '../../analytics-api/bi/sql/random-sql.ts';

const CANARY = 'CANARY-7f3a9c';
/** The BI tables as the sandboxed BI engine holds them: plain tables with the views' columns (0008_bi_views.sql). */
const BI_TABLE_DDL = [
  'bi_footfall_hourly (site_id String, local_date Date, local_hour UInt8, visitors Nullable(UInt64), visits Nullable(UInt64), new_visits Nullable(UInt64), returning_visits Nullable(UInt64))',
  'bi_visitors_daily (site_id String, local_date Date, visitors Nullable(UInt64), new_visitors Nullable(UInt64), returning_visitors Nullable(UInt64), visits Nullable(UInt64), returning_visits Nullable(UInt64), returning_visit_rate Nullable(Float64))',
  'bi_dwell_daily (site_id String, local_date Date, visits UInt64, dwell_p25_s Float64, dwell_median_s Float64, dwell_p75_s Float64, dwell_p90_s Float64)',
  'bi_camera_transitions_daily (site_id String, local_date Date, from_camera String, to_camera String, visits UInt64)',
];

let dir: string;
let clickhouse: ClickHouseClient;

const text = async (query: string, query_params?: Record<string, string>) =>
  (await clickhouse.query({ query, query_params, format: 'TabSeparatedRaw' })).text();
const column = async (query: string) => (await text(query)).split('\n').filter(Boolean);
const explainAst = (sql: string) => text(`EXPLAIN AST ${sql}`);
const stringValue = async (select: string) =>
  (
    await (
      await clickhouse.query({ query: `SELECT * FROM (${select}) AS s`, format: 'JSONCompactEachRow' })
    ).json<[string]>()
  )[0][0];
const passing = [
  ...ATTACK_CORPUS.filter((c) => c.expect === 'passes').map((c) => c.sql),
  ...DRIVER_QUERIES.filter((d) => d.expect === 'passes').map((d) => d.sql),
];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-bi-sql-'));
  clickhouse = await createClickHouseClient(loadConfig({ dataDir: dir }, {}));
  for (const ddl of BI_TABLE_DDL)
    await clickhouse.command({ query: `CREATE TABLE ${ddl} ENGINE = MergeTree ORDER BY (site_id, local_date)` });
  for (const table of BI_TABLES)
    await clickhouse.command({ query: `INSERT INTO ${table} (site_id, local_date) VALUES ('s-1', '2026-11-02')` });
  for (const raw of ['visits', 'sightings']) {
    await clickhouse.command({
      query: `CREATE TABLE ${raw} (tenant String, site_id String, identity_id String) ENGINE = MergeTree ORDER BY identity_id`,
    });
    await clickhouse.command({ query: `INSERT INTO ${raw} VALUES ('${CANARY}', '${CANARY}', '${CANARY}')` });
  }
});

after(async () => {
  await clickhouse.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the corpus names every table function of the engine', async () => {
  assert.deepEqual(await column('SELECT name FROM system.table_functions ORDER BY name'), [...TABLE_FUNCTIONS].sort());
});

test('every allowed function and type exists in the engine under the listed spelling; no allowed function is a table function', async () => {
  const functions = await column(
    "SELECT concat(name, '\\t', toString(case_insensitive), '\\t', toString(is_aggregate)) FROM system.functions",
  );
  const byName = new Map(
    functions.map((l) => l.split('\t')).map(([name, ci, agg]) => [name, { ci: ci === '1', aggregate: agg === '1' }]),
  );
  const insensitive = new Set([...byName].filter(([, f]) => f.ci).map(([n]) => n.toLowerCase()));
  for (const name of ALLOWED_SCALAR_FUNCTIONS) assert.ok(byName.has(name) || insensitive.has(name.toLowerCase()), name);
  for (const name of ALLOWED_AGGREGATE_FUNCTIONS) assert.ok(byName.get(name)?.aggregate, name);
  for (const name of [...ALLOWED_SCALAR_FUNCTIONS, ...ALLOWED_AGGREGATE_FUNCTIONS])
    assert.ok(!TABLE_FUNCTIONS.includes(name), name);
  const types = new Set(await column('SELECT if(case_insensitive, lower(name), name) FROM system.data_type_families'));
  for (const type of ALLOWED_TYPES) assert.ok(types.has(type) || types.has(type.toLowerCase()), type);
});

test("ClickHouse's own parser reads the printed SQL as the same tree as the original", async () => {
  const r = seededRandom(26);
  const randomAccepted: string[] = [];
  while (randomAccepted.length < 300) {
    const sql = randomQuery(r, 3);
    try {
      checkBiQuery(sql, {});
      randomAccepted.push(sql);
    } catch {
      // Only queries of allowed names reach the engine, even for a parse.
    }
  }
  let compared = 0;
  for (const sql of [...PRINTER_CASES, ...randomAccepted]) {
    let original: string;
    try {
      original = await explainAst(sql);
    } catch {
      continue; // ClickHouse refuses a few forms this parser reads (`a ? b : c ? d : e`); the printed form has parentheses.
    }
    assert.equal(await explainAst(printQuery(parseStatement(sql).query)), original, sql);
    compared++;
  }
  assert.ok(compared > 250, `${compared} compared`);
});

test('every printed query of the corpus and of the drivers is valid ClickHouse SQL', async () => {
  for (const sql of passing) {
    const printed = checkBiQuery(sql, {}).sql;
    assert.ok((await text('SELECT formatQuery({q:String})', { q: printed })).length > 0, printed);
  }
});

test('what ClickHouse reads from a printed string is the value the lexer decoded', async () => {
  for (const literal of [
    "'it''s'",
    String.raw`'a\'b\\c'`,
    String.raw`'\n\t\r\0\b\f\a\v\e'`,
    String.raw`'\x41\x7f'`,
    "'é ✓ \u200d \u2028 ｆｉｌｅ'",
    "'`\"'",
  ]) {
    const { query } = parseStatement(`SELECT ${literal}`);
    const value =
      query.kind === 'select' && query.items[0].expr.kind === 'string'
        ? query.items[0].expr.value
        : assert.fail(literal);
    assert.equal(await stringValue(printQuery(query)), value, literal);
    assert.equal(await stringValue(`SELECT ${quoteString(value)}`), value, literal);
  }
});

test('the printed queries run where raw tables sit beside the BI tables, and return nothing of them', async () => {
  let ran = 0;
  for (const sql of passing) {
    const printed = checkBiQuery(sql, {}).sql;
    let out: string;
    try {
      out = await text(printed);
      ran++;
    } catch (err) {
      out = String(err); // a column a BI table does not have; the error must not carry raw data either
    }
    assert.ok(!out.includes(CANARY), printed);
  }
  assert.ok(ran >= passing.length - 5, `${ran} of ${passing.length} ran`);
  const tables = await column(
    checkBiQuery("SELECT name FROM system.tables WHERE database LIKE '%' ORDER BY name", {}).sql,
  );
  assert.deepEqual(tables, [...BI_TABLES].sort());
  const columnTables = await column(checkBiQuery('SELECT DISTINCT table FROM system.columns ORDER BY table', {}).sql);
  assert.deepEqual(columnTables, [...BI_TABLES].sort());
  assert.deepEqual(await column(checkBiQuery('SELECT name FROM system.databases', {}).sql), ['default']);
});
