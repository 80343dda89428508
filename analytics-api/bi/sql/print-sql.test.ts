// The canonical printer: what it writes reads back as the same tree, and nothing in a name or a string can escape its quotes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatement } from './parse-sql.ts';
import { PRINTER_CASES } from './printer-cases.ts';
import { printQuery, quoteIdentifier, quoteString } from './print-sql.ts';

test('the printed SQL of every case parses back to the same tree', () => {
  for (const sql of PRINTER_CASES) {
    const { query } = parseStatement(sql);
    const printed = printQuery(query);
    assert.deepEqual(parseStatement(printed).query, query, `${sql}\n→ ${printed}`);
    assert.equal(printQuery(parseStatement(printed).query), printed, 'printing is a fixed point');
  }
});

test('names and strings are quoted and escaped: no text can end its quotes early', () => {
  assert.equal(quoteIdentifier('a`b\\c'), '`a\\`b\\\\c`');
  assert.equal(quoteString("x' OR 1 --\\"), "'x\\' OR 1 --\\\\'");
  assert.equal(quoteString('\n\x00\x7f'), "'\\x0a\\x00\\x7f'");
  assert.equal(printQuery(parseStatement("SELECT `x` AS `'`").query), "SELECT `x` AS `'`");
});

test('canonical spellings: keywords upper-case, == and <> as = and !=, OUTER dropped, LIMIT m, n as LIMIT n OFFSET m', () => {
  assert.equal(
    printQuery(parseStatement('select a from t left outer join u using (a) where a == 1 and b <> 2 limit 5, 10').query),
    'SELECT `a` FROM `t` LEFT JOIN `u` USING (`a`) WHERE ((`a` = 1) AND (`b` != 2)) LIMIT 10 OFFSET 5',
  );
});

test('the relation option prints a table reference its own way', () => {
  const { query } = parseStatement('SELECT * FROM bi_visitors_daily AS v JOIN system.one USING (x)');
  assert.equal(
    printQuery(query, { relation: (name) => `${quoteIdentifier(name)}(p = 1)` }),
    'SELECT * FROM `bi_visitors_daily`(p = 1) AS `v` INNER JOIN `system`.`one` USING (`x`)',
  );
});
