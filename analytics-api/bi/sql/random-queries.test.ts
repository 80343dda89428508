// Property tests on random SQL: the checker either refuses with a BiQueryError or prints SQL that parses back to the same tree and reads only BI tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BI_TABLES } from './bi-allow-list.ts';
import { BiQueryError } from './bi-query-error.ts';
import { checkBiTree } from './check-bi-query.ts';
import { parseStatement } from './parse-sql.ts';
import { printQuery } from './print-sql.ts';
import { randomQuery, REFUSED_FUNCTIONS, seededRandom } from './random-sql.ts';

const NAMES = [
  ...BI_TABLES,
  'visits',
  'sightings',
  'system',
  'tables',
  'default',
  'information_schema',
  'site_id',
  'local_date',
  'visitors',
  'x',
  'cte',
  '`file`',
  '"url"',
  '`a b`',
];
const FUNCTIONS = [
  'count',
  'sum',
  'uniqExact',
  'if',
  'toDate',
  'lower',
  'quantile',
  'countIf',
  'arrayJoin',
  ...REFUSED_FUNCTIONS,
];
const SOUP = [
  'SELECT',
  'FROM',
  'WHERE',
  'WITH',
  'AS',
  'JOIN',
  'LEFT',
  'CROSS',
  'ON',
  'USING',
  'GROUP',
  'BY',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'UNION',
  'ALL',
  'DISTINCT',
  'HAVING',
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS',
  'NULL',
  'BETWEEN',
  'LIKE',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'CAST',
  'INTERVAL',
  'DAY',
  'FORMAT',
  'JSON',
  'SETTINGS',
  'INTO',
  '(',
  ')',
  '(',
  ')',
  ',',
  ',',
  '.',
  ';',
  '*',
  '+',
  '-',
  '/',
  '=',
  '<',
  '>=',
  '!=',
  '||',
  '::',
  '?',
  ':',
  '[',
  ']',
  '1',
  '0.5',
  '-2',
  "'s'",
  "'it''s'",
  "'\\n'",
  'true',
  'Int32',
  'Nullable',
  '--',
  '/*',
  '*/',
  '#',
  ...NAMES,
  ...FUNCTIONS,
];

/** Either a BiQueryError, or SQL that parses back to the checked tree and names no table but BI tables, CTEs and system metadata. */
function assertRefusedOrFaithful(sql: string): 'refused' | 'passed' {
  let checked;
  try {
    checked = checkBiTree(sql, {});
  } catch (err) {
    assert.ok(err instanceof BiQueryError, `${JSON.stringify(sql)} threw ${String(err)}`);
    return 'refused';
  }
  const printed = printQuery(checked.query);
  assert.deepEqual(parseStatement(printed).query, checked.query, `${sql}\n→ ${printed}`);
  for (const [, table] of printed.matchAll(/(?:FROM|JOIN|,) (`[^`]+`(?:\.`[^`]+`)?) AS/g)) {
    assert.match(
      table,
      /^`(bi_footfall_hourly|bi_visitors_daily|bi_dwell_daily|bi_camera_transitions_daily|_cte_\d+)`$/,
      `${sql}\n→ ${printed}`,
    );
  }
  return 'passed';
}

test('token soup: 20,000 random token sequences are refused or faithful', () => {
  const r = seededRandom(14);
  const outcomes = { refused: 0, passed: 0 };
  for (let i = 0; i < 20_000; i++) {
    const tokens = Array.from({ length: 1 + Math.floor(r.next() * 30) }, () => r.pick(SOUP));
    if (r.next() < 0.7) tokens.unshift('SELECT');
    outcomes[assertRefusedOrFaithful(tokens.join(r.next() < 0.5 ? ' ' : '\n'))]++;
  }
  assert.ok(outcomes.passed > 100, `only ${outcomes.passed} passed`);
});

test('grammar-guided random queries: 3,000 are refused or faithful', () => {
  const r = seededRandom(8);
  const outcomes = { refused: 0, passed: 0 };
  for (let i = 0; i < 3_000; i++) outcomes[assertRefusedOrFaithful(randomQuery(r, 3))]++;
  assert.ok(outcomes.passed > 300 && outcomes.refused > 300, JSON.stringify(outcomes));
});
