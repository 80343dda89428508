// What the BI endpoint lets through, how it binds views to the tenant, and everything it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBiQuery } from './check-bi-query.ts';
import { BiQueryError } from './tokenize-sql.ts';

const OPTS = { tenant: "o'neil", minCount: 5 };

test('a SELECT on a BI view is bound to the tenant and the minimum count; FORMAT is taken off the end', () => {
  const q = checkBiQuery('select local_date, sum(visits) from default.bi_footfall_hourly where site_id = \'s;1\' group by local_date FORMAT JSONEachRow;', OPTS);
  assert.equal(q.format, 'JSONEachRow');
  assert.equal(q.handshake, false);
  assert.match(q.sql, /from bi_footfall_hourly\(tenant = 'o\\'neil', min_count = 5\) where site_id = 's;1'/);
  assert.doesNotMatch(q.sql, /FORMAT/);
});

test('CTEs, subqueries, joins of views and IN lists pass', () => {
  const q = checkBiQuery(
    'WITH d AS (SELECT * FROM bi_visitors_daily) SELECT * FROM d JOIN `bi_dwell_daily` USING (site_id, local_date) WHERE local_date IN (SELECT local_date FROM bi_footfall_hourly) -- note',
    { ...OPTS, defaultFormat: 'JSON' },
  );
  assert.equal(q.format, 'JSON');
  assert.equal(q.sql.match(/min_count = 5/g)?.length, 3);
});

test('the client handshake of clickhouse-connect is answered as is', () => {
  assert.equal(checkBiQuery('SELECT name, value, readonly FROM system.settings LIMIT 10000', OPTS).handshake, true);
  assert.equal(checkBiQuery('SELECT version(), timezone()', OPTS).handshake, false);
});

test('everything else is refused with a reason', () => {
  const refused: Array<[string, RegExp]> = [
    ['SELECT 1; SELECT 2', /one statement/],
    ['INSERT INTO visits VALUES (1)', /only SELECT/],
    ['DROP TABLE visits', /only SELECT/],
    ['SELECT * FROM visits', /visits is not a BI view/],
    ['SELECT * FROM sightings FINAL', /sightings is not a BI view/],
    ['SELECT * FROM system.tables', /SYSTEM is not allowed/],
    ['SELECT * FROM other.bi_footfall_hourly', /database other/],
    ['SELECT * FROM numbers(10)', /function numbers|table functions/],
    ["SELECT * FROM bi_footfall_hourly(tenant = 'someone-else', min_count = 1)", /table functions/],
    ["SELECT file('/etc/passwd')", /function file/],
    ["SELECT dictGet('d', 'a', 1)", /function dictGet/],
    ['SELECT * FROM bi_footfall_hourly SETTINGS readonly = 0', /SETTINGS is not allowed/],
    ["SELECT * FROM bi_footfall_hourly INTO OUTFILE '/tmp/x'", /INTO is not allowed/],
    ['SELECT /* x */ 1', /block comments/],
    ['SELECT {p:String}', /not allowed here/],
    ['SELECT 1 FORMAT Parquet', /format Parquet is not served/],
    ['SELECT 1 FORMAT JSON LIMIT 1', /FORMAT must be the last clause/],
    ["SELECT 'unterminated", /unterminated/],
  ];
  for (const [sql, reason] of refused) {
    assert.throws(() => checkBiQuery(sql, OPTS), (err: unknown) => err instanceof BiQueryError && reason.test(err.message), sql);
  }
});
