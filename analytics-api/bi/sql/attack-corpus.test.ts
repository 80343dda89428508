// Every attack corpus entry, asserted: refused with its code and a reason that quotes none of its strings, or printed as SQL that reads only BI tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { BI_TABLES, METADATA_RELATIONS } from './bi-allow-list.ts';
import { ATTACK_CORPUS, TABLE_FUNCTIONS } from './attack-corpus.ts';
import { BiQueryError } from './bi-query-error.ts';
import { checkBiAst } from './check-bi-ast.ts';
import { checkBiQuery, checkBiTree } from './check-bi-query.ts';
import { parseStatement } from './parse-sql.ts';
import { printQuery } from './print-sql.ts';
import { tokenizeSql } from './tokenize-sql.ts';

const RESTRICTED = Object.values(METADATA_RELATIONS).map((sql) => parseStatement(sql).query);

/**
 * The tables a checked tree reads: anything but a BI table, a renamed CTE, or one of the
 * restricted metadata subqueries verbatim (whose own `system.*` read is the restriction).
 */
function tablesRead(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => tablesRead(n, out));
  else if (node && typeof node === 'object') {
    if (RESTRICTED.some((r) => isDeepStrictEqual(r, node))) return out;
    const n = node as { kind?: string; name?: string; database?: string };
    if (n.kind === 'table') out.push(n.database === undefined ? n.name! : `${n.database}.${n.name}`);
    Object.values(node).forEach((v) => tablesRead(v, out));
  }
  return out;
}

function stringLiterals(sql: string): string[] {
  try {
    return tokenizeSql(sql)
      .filter((t) => t.kind === 'string' && t.value.length >= 3)
      .map((t) => t.value);
  } catch {
    return [];
  }
}

test('the reader of trees sees every table, except inside the verbatim restricted subqueries', () => {
  assert.deepEqual(
    tablesRead(parseStatement('SELECT * FROM a, (SELECT * FROM default.b) JOIN system.tables USING x').query),
    ['a', 'default.b', 'system.tables'],
  );
  assert.deepEqual(tablesRead(checkBiTree('SELECT * FROM system.tables, bi_dwell_daily', {}).query), [
    'bi_dwell_daily',
  ]);
});

test('the corpus covers every table function, plain, backquoted, double-quoted, qualified, joined and as a scalar', () => {
  for (const f of TABLE_FUNCTIONS) {
    const sqls = ATTACK_CORPUS.filter(
      (c) => c.sql.includes(`${f}(`) || c.sql.includes(`${f}\`(`) || c.sql.includes(`${f.toUpperCase()}"(`),
    ).map((c) => c.sql);
    assert.ok(sqls.length >= 7, f);
  }
});

test('every corpus entry is refused with its code, or passes reading only BI tables', () => {
  let refused = 0;
  let passed = 0;
  for (const c of ATTACK_CORPUS) {
    if (c.expect === 'passes') {
      const { query } = checkBiTree(c.sql, {});
      for (const table of tablesRead(query))
        assert.ok(
          (BI_TABLES as readonly string[]).includes(table) || /^_cte_\d+$/.test(table),
          `${c.name}: reads ${table}`,
        );
      passed++;
      continue;
    }
    let err: unknown;
    try {
      checkBiQuery(c.sql, {});
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof BiQueryError, `${c.name}: ${err ? String(err) : 'accepted'}`);
    assert.equal(err.code, c.expect, `${c.name}: ${err.message}`);
    for (const literal of stringLiterals(c.sql))
      assert.ok(!err.message.includes(literal), `${c.name}: the reason quotes a string of the query`);
    refused++;
  }
  assert.equal(refused + passed, ATTACK_CORPUS.length);
  assert.ok(refused > 700 && passed > 10, `${refused} refused, ${passed} passed`);
});

test('the printed SQL of every passing entry parses back to the tree it was printed from, and checks again', () => {
  for (const c of ATTACK_CORPUS.filter((e) => e.expect === 'passes')) {
    const { query } = checkBiTree(c.sql, {});
    const printed = printQuery(query);
    assert.deepEqual(parseStatement(printed).query, query, c.name);
    const again = checkBiAst(parseStatement(printed).query);
    // Metadata tables are restricted again (a subquery in a subquery); everything else is a fixed point.
    if (tablesRead(query).length === tablesRead(again).length && !/`system`/.test(printed))
      assert.deepEqual(again, query, c.name);
  }
});
