// The allow-list check and the SQL it prints: BI tables, CTE scopes, metadata tables, functions, types, formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOWED_AGGREGATE_FUNCTIONS, ALLOWED_SCALAR_FUNCTIONS, lookupFunction } from './bi-allow-list.ts';
import { BiQueryError } from './bi-query-error.ts';
import { checkBiAst } from './check-bi-ast.ts';
import { checkBiQuery, checkBiTree } from './check-bi-query.ts';
import { parseStatement } from './parse-sql.ts';
import { printQuery } from './print-sql.ts';

const sql = (text: string) => checkBiQuery(text, {}).sql;
const refusal = (text: string) => {
  try {
    checkBiQuery(text, {});
  } catch (err) {
    assert.ok(err instanceof BiQueryError, String(err));
    return `${err.code}: ${err.message}`;
  }
  assert.fail(`accepted ${JSON.stringify(text)}`);
};

test('a SELECT on a BI table is printed anew: every name quoted, every table aliased, FORMAT taken off', () => {
  const q = checkBiQuery(
    "select local_date, SUM(visits) v from DEFAULT.bi_footfall_hourly where site_id = 's;1' group by local_date FORMAT jsoneachrow;",
    {},
  );
  assert.equal(q.format, 'JSONEachRow');
  assert.equal(
    q.sql,
    "SELECT `local_date`, `sum`(`visits`) AS `v` FROM `bi_footfall_hourly` AS `bi_footfall_hourly` WHERE (`site_id` = 's;1') GROUP BY `local_date`",
  );
});

test('the format: FORMAT clause, else default_format, else TabSeparated; only listed formats', () => {
  assert.equal(checkBiQuery('SELECT 1', {}).format, 'TabSeparated');
  assert.equal(checkBiQuery('SELECT 1', { defaultFormat: 'csvwithnames' }).format, 'CSVWithNames');
  assert.equal(checkBiQuery('SELECT 1 FORMAT JSON', { defaultFormat: 'CSV' }).format, 'JSON');
  assert.match(refusal('SELECT 1 FORMAT Parquet'), /^73: format Parquet is not served/);
  assert.throws(() => checkBiQuery('SELECT 1', { defaultFormat: 'Parquet' }), /format Parquet/);
});

test('CTEs are renamed, so a name resolved to a CTE can never reach a table', () => {
  assert.equal(
    sql('WITH visits AS (SELECT * FROM bi_visitors_daily) SELECT v.visitors FROM visits AS v, (SELECT * FROM visits)'),
    'WITH `_cte_1` AS (SELECT * FROM `bi_visitors_daily` AS `bi_visitors_daily`) SELECT `v`.`visitors` FROM `_cte_1` AS `v`, (SELECT * FROM `_cte_1` AS `visits`)',
  );
  assert.match(sql('WITH a AS (SELECT 1) SELECT 2 UNION ALL SELECT * FROM a'), /FROM `_cte_1` AS `a`$/);
});

test('CTE scopes: a CTE does not see itself, a sibling subquery does not see another subquery`s CTE, names are case-sensitive', () => {
  assert.match(
    refusal('WITH visits AS (SELECT * FROM visits) SELECT * FROM visits'),
    /^60: table visits is not readable/,
  );
  assert.match(
    refusal('SELECT * FROM (WITH visits AS (SELECT 1) SELECT * FROM visits) a, (SELECT * FROM visits) b'),
    /^60: table visits/,
  );
  assert.match(refusal('WITH Visits AS (SELECT 1) SELECT * FROM visits'), /^60: table visits/);
  assert.match(
    refusal('SELECT (WITH sightings AS (SELECT 1) SELECT 1), (SELECT * FROM sightings)'),
    /^60: table sightings/,
  );
  assert.match(refusal('WITH 1 AS visits SELECT * FROM visits'), /^60: table visits/);
});

test('metadata tables become subqueries that show only the default database and the BI tables; qualified columns follow', () => {
  const printed = sql('SELECT system.tables.name, t.engine, tables.comment FROM system.tables AS t');
  assert.match(
    printed,
    /^SELECT `t`\.`name`, `t`\.`engine`, `t`\.`comment` FROM \(SELECT .* FROM `system`\.`tables` WHERE \(\(`database` = 'default'\) AND \(`name` IN \('bi_footfall_hourly', 'bi_visitors_daily', 'bi_dwell_daily', 'bi_camera_transitions_daily'\)\)\)\) AS `t`$/,
  );
  assert.match(
    sql('SELECT name FROM SYSTEM.Databases'),
    /FROM `system`\.`databases` WHERE \(`name` = 'default'\)\) AS `databases`$/,
  );
  for (const [text, reason] of [
    ['SELECT * FROM system.processes', /^60: table system.processes is not readable/],
    ['SELECT * FROM system.one', /^60: table system.one/],
    ['SELECT * FROM INFORMATION_SCHEMA.TABLES', /^60: table INFORMATION_SCHEMA.TABLES/],
    ['SELECT * FROM information_schema.columns', /^60: /],
    ['SELECT * FROM other.bi_footfall_hourly', /^81: database other/],
    ['SELECT * FROM default.visits', /^60: table visits/],
    ['SELECT default.visits.identity_id FROM bi_visitors_daily', /^47: unknown identifier default.visits.identity_id/],
  ] as const) {
    assert.match(refusal(text), reason, text);
  }
});

test('functions: only listed names, matched case-insensitively and after unquoting, printed in their listed spelling', () => {
  assert.equal(
    sql(
      'SELECT COUNT(), `Sum`(x), "uniqexact"(y), countIf(z), SUMIFORNULL(x, y), quantile(0.9)(x), IF(a, 1, 2) FROM bi_dwell_daily',
    ).split(' FROM ')[0],
    'SELECT `count`(), `sum`(`x`), `uniqExact`(`y`), `countIf`(`z`), `sumIfOrNull`(`x`, `y`), `quantile`(0.9)(`x`), `if`(`a`, 1, 2)',
  );
  for (const f of [
    'file',
    '`file`',
    '"FILE"',
    'url',
    's3',
    'remote',
    'dictGet',
    'dictGetString',
    'joinGet',
    'getSetting',
    'hostName',
    'filesystemFree',
    'in',
    'globalIn',
    'format',
    'sleep',
    'throwIf',
    'runningAccumulate',
    'hasColumnInTable',
    '`ﬁle`',
    '`fıle`',
    '`ｆｉｌｅ`',
    '`fi\u200dle`',
    '`file `',
  ]) {
    assert.match(refusal(`SELECT ${f}('x')`), /^446: function .* is not allowed/, f);
  }
  assert.match(refusal('SELECT sum(0.5)(x)'), /^62: /);
  assert.match(refusal('SELECT lower(DISTINCT x)'), /^62: /);
  assert.match(refusal("SELECT quantile('a')(x)"), /^62: the parameters/);
});

test('no listed function is a table function, a dictionary or file reader, or an environment probe', () => {
  for (const name of [...ALLOWED_SCALAR_FUNCTIONS, ...ALLOWED_AGGREGATE_FUNCTIONS]) {
    assert.doesNotMatch(
      name,
      /^(file|url|s3|remote|dict|joinGet|getSetting|hostName|fqdn|filesystem|input|executable|mysql|postgresql|redis|numbers|zeros|generate|merge|view|values|cluster|sleep|throwIf)|^format$/i,
      name,
    );
    assert.equal(lookupFunction(name)?.name, name);
  }
});

test('arrayJoin only over an array of literals, once per query', () => {
  assert.doesNotThrow(() => sql("SELECT arrayJoin(['a', 'b']) AS t ORDER BY t"));
  assert.match(refusal('SELECT arrayJoin(range(1000000000))'), /^446: arrayJoin is only allowed over an array literal/);
  assert.match(refusal('SELECT arrayJoin([x]) FROM bi_dwell_daily'), /^446: arrayJoin/);
  assert.match(refusal('SELECT arrayJoin([1, 2]), arrayJoin([3, 4])'), /^446: arrayJoin is allowed once/);
});

test('types are listed; IN never takes a bare name; * only as an item or in count(*)', () => {
  assert.match(
    sql('SELECT CAST(x AS nullable(varchar)), y::lowcardinality(String) FROM bi_dwell_daily'),
    /CAST\(`x` AS Nullable\(VARCHAR\)\), CAST\(`y` AS LowCardinality\(String\)\)/,
  );
  assert.match(refusal('SELECT CAST(x AS AggregateFunction(uniq, String))'), /^50: type AggregateFunction/);
  assert.match(refusal('SELECT 1 IN (visits)'), /^60: IN takes a list of values or a subquery/);
  assert.match(refusal('SELECT 1 IN ((system.one))'), /^60: IN takes/);
  assert.match(refusal('SELECT 1 + *'), /^62: \* is only allowed/);
  assert.doesNotThrow(() => sql('SELECT count(*), * FROM bi_dwell_daily'));
});

test('checking is idempotent: the printed SQL checks to the same tree', () => {
  for (const text of [
    'WITH a AS (WITH b AS (SELECT * FROM bi_visitors_daily) SELECT * FROM b) SELECT x.visitors FROM a x JOIN default.bi_dwell_daily d USING (site_id, local_date)',
    'SELECT default.bi_dwell_daily.visits FROM default.bi_dwell_daily WHERE local_date IN (SELECT local_date FROM bi_footfall_hourly) ORDER BY 1 LIMIT 3',
  ]) {
    const { query } = checkBiTree(text, {});
    assert.deepEqual(checkBiAst(parseStatement(printQuery(query)).query), query, text);
  }
});
