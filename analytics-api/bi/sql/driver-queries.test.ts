// What the official drivers send on connect and for their metadata calls passes (or is refused on purpose), and reads only what BI may.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BiQueryError } from './bi-query-error.ts';
import { checkBiQuery, checkBiTree } from './check-bi-query.ts';
import { DRIVER_QUERIES } from './driver-queries.ts';
import { parseStatement } from './parse-sql.ts';
import { printQuery } from './print-sql.ts';

test('every driver query passes or is refused with its expected code', () => {
  for (const q of DRIVER_QUERIES) {
    if (q.expect === 'passes') {
      assert.doesNotThrow(() => checkBiQuery(q.sql, {}), `${q.driver} ${q.call}`);
    } else {
      assert.throws(
        () => checkBiQuery(q.sql, {}),
        (err: unknown) => err instanceof BiQueryError && err.code === q.expect,
        `${q.driver} ${q.call}`,
      );
    }
  }
});

test('the printed driver queries read system tables only through the restricted subqueries', () => {
  for (const q of DRIVER_QUERIES.filter((d) => d.expect === 'passes')) {
    const { sql } = checkBiQuery(q.sql, {});
    for (const read of sql.matchAll(/FROM `system`\.`(\w+)` (WHERE|\))/g))
      assert.ok(['tables', 'columns', 'databases', 'settings', 'functions'].includes(read[1]), read[0]);
    if (/`system`\.`(tables|columns)`/.test(sql))
      assert.match(sql, /'default'\) AND \(`(name|table)` IN \('bi_footfall_hourly'/, q.call);
  }
});

test('the printed driver queries parse back to the tree they were printed from', () => {
  for (const q of DRIVER_QUERIES.filter((d) => d.expect === 'passes')) {
    const { query } = checkBiTree(q.sql, {});
    assert.deepEqual(parseStatement(printQuery(query)).query, query, q.call);
  }
});
