// The parser: clause structure, ClickHouse's operator precedence, and the syntax it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BiQueryError } from './bi-query-error.ts';
import { MAX_AST_DEPTH, MAX_FROM_RELATIONS, parseStatement } from './parse-sql.ts';
import type { Expr, SelectQuery } from './sql-ast.ts';

const select = (sql: string) => parseStatement(sql).query as SelectQuery;
const where = (cond: string) => select(`SELECT 1 WHERE ${cond}`).where!;
const col = (name: string): Expr => ({ kind: 'column', parts: [name] });
const num = (text: string): Expr => ({ kind: 'number', text });
const refusal = (sql: string) => {
  try {
    parseStatement(sql);
  } catch (err) {
    assert.ok(err instanceof BiQueryError, String(err));
    return `${err.code}: ${err.message}`;
  }
  assert.fail(`parsed ${JSON.stringify(sql)}`);
};

test('every clause of a SELECT', () => {
  const q = select(
    'WITH d AS (SELECT 1), 2 AS two SELECT DISTINCT a AS x, b y, t.* FROM default.bi_visitors_daily AS t LEFT OUTER JOIN (SELECT 1) s USING (a, b) ' +
      'WHERE a > 1 GROUP BY a, b WITH ROLLUP WITH TOTALS HAVING count() > 1 ORDER BY x DESC NULLS LAST, y LIMIT 5, 10',
  );
  assert.deepEqual(
    q.with.map((w) => [w.kind, w.name]),
    [
      ['cte', 'd'],
      ['alias', 'two'],
    ],
  );
  assert.equal(q.distinct, true);
  assert.deepEqual(
    q.items.map((i) => i.alias),
    ['x', 'y', undefined],
  );
  assert.deepEqual(q.items[2].expr, { kind: 'star', qualifier: ['t'] });
  assert.deepEqual(q.from!.first, { kind: 'table', database: 'default', name: 'bi_visitors_daily', alias: 't' });
  assert.deepEqual(
    [q.from!.joins[0].type, q.from!.joins[0].using, q.from!.joins[0].relation.alias],
    ['LEFT', ['a', 'b'], 's'],
  );
  assert.deepEqual([q.groupBy!.modifier, q.groupBy!.totals], ['ROLLUP', true]);
  assert.deepEqual(
    q.orderBy!.map((o) => [o.direction, o.nulls]),
    [
      ['DESC', 'LAST'],
      [undefined, undefined],
    ],
  );
  assert.deepEqual(q.limit, { kind: 'limit', count: '10', offset: '5' });
});

test('comma joins and every explicit join type are kept, each relation with its own alias', () => {
  const q = select(
    'SELECT 1 FROM a x, b, c CROSS JOIN d INNER JOIN e ON 1 RIGHT JOIN f ON 1 FULL JOIN g ON 1 JOIN h USING k',
  );
  assert.deepEqual(
    q.from!.joins.map((j) => [j.type, j.relation.kind === 'table' && j.relation.name]),
    [
      ['COMMA', 'b'],
      ['COMMA', 'c'],
      ['CROSS', 'd'],
      ['INNER', 'e'],
      ['RIGHT', 'f'],
      ['FULL', 'g'],
      ['INNER', 'h'],
    ],
  );
  assert.equal(q.from!.first.alias, 'x');
});

test('precedence: ?: < OR < AND < NOT < IS NULL < BETWEEN < comparison < || < + - < * / % < unary minus < [] ::', () => {
  assert.deepEqual(where('a OR b AND NOT c'), {
    kind: 'logical',
    op: 'OR',
    operands: [col('a'), { kind: 'logical', op: 'AND', operands: [col('b'), { kind: 'not', operand: col('c') }] }],
  });
  assert.deepEqual(where('NOT a IS NULL'), {
    kind: 'not',
    operand: { kind: 'isNull', negated: false, operand: col('a') },
  });
  assert.deepEqual(where('a + b * c = d || e'), {
    kind: 'compare',
    op: '=',
    left: {
      kind: 'chain',
      first: col('a'),
      rest: [{ op: '+', operand: { kind: 'chain', first: col('b'), rest: [{ op: '*', operand: col('c') }] } }],
    },
    right: { kind: 'chain', first: col('d'), rest: [{ op: '||', operand: col('e') }] },
  });
  assert.deepEqual(where('a - b - c'), {
    kind: 'chain',
    first: col('a'),
    rest: [
      { op: '-', operand: col('b') },
      { op: '-', operand: col('c') },
    ],
  });
  assert.deepEqual(where('x BETWEEN 1 AND 2 AND y'), {
    kind: 'logical',
    op: 'AND',
    operands: [{ kind: 'between', negated: false, operand: col('x'), low: num('1'), high: num('2') }, col('y')],
  });
  assert.deepEqual(where('a OR b ? 1 : 2'), {
    kind: 'ternary',
    condition: { kind: 'logical', op: 'OR', operands: [col('a'), col('b')] },
    then: num('1'),
    otherwise: num('2'),
  });
  assert.deepEqual(where('-x[1]::Int8'), {
    kind: 'negate',
    operand: {
      kind: 'cast',
      operand: { kind: 'element', operand: col('x'), index: num('1') },
      type: { kind: 'type', name: 'Int8', args: [] },
    },
  });
  assert.deepEqual(where('-1 = - 2'), { kind: 'compare', op: '=', left: num('-1'), right: num('-2') });
  assert.deepEqual(
    where('-1[1]'),
    { kind: 'element', operand: num('-1'), index: num('1') },
    'a minus before a number is part of the literal, as in ClickHouse',
  );
  assert.deepEqual(where('-(1)'), { kind: 'negate', operand: num('1') });
  assert.deepEqual(
    (where("a == 1 AND b <> 2 AND c NOT LIKE 'x'") as Extract<Expr, { kind: 'logical' }>).operands.map(
      (o) => o.kind === 'compare' && o.op,
    ),
    ['=', '!=', 'NOT LIKE'],
  );
});

test('expressions: calls, parametric aggregates, DISTINCT, CASE, CAST, INTERVAL, arrays, tuples, IN, scalar subqueries', () => {
  const [quantile, countDistinct, cases, cast, interval, array, tuple, inList, inQuery, scalar] = select(
    "SELECT quantile(0.5)(x), count(DISTINCT y), CASE WHEN a THEN 1 ELSE 2 END, CAST(x AS Nullable(Decimal(10, 2))), INTERVAL 1 DAY, [1, 'a'], (1, 2), " +
      'x NOT IN (1, 2), x IN (SELECT 1), (SELECT max(v) FROM t)',
  ).items.map((i) => i.expr);
  assert.deepEqual(quantile, {
    kind: 'call',
    name: 'quantile',
    params: [num('0.5')],
    args: [col('x')],
    distinct: false,
  });
  assert.deepEqual(countDistinct, { kind: 'call', name: 'count', args: [col('y')], distinct: true });
  assert.equal(cases.kind, 'case');
  assert.deepEqual(cast, {
    kind: 'cast',
    operand: col('x'),
    type: { kind: 'type', name: 'Nullable', args: [{ kind: 'type', name: 'Decimal', args: [num('10'), num('2')] }] },
  });
  assert.deepEqual(interval, { kind: 'call', name: 'toIntervalDay', args: [num('1')], distinct: false });
  assert.deepEqual(array, { kind: 'array', items: [num('1'), { kind: 'string', value: 'a' }] });
  assert.deepEqual(tuple, { kind: 'tuple', items: [num('1'), num('2')] });
  assert.deepEqual(inList, { kind: 'in', negated: true, operand: col('x'), values: [num('1'), num('2')] });
  assert.equal(inQuery.kind === 'in' && inQuery.query?.kind, 'select');
  assert.equal(scalar.kind, 'subquery');
});

test('UNION ALL / DISTINCT, parenthesised members, FORMAT and trailing semicolons', () => {
  const { query, format } = parseStatement(
    '(SELECT 1) UNION ALL SELECT 2 UNION DISTINCT SELECT 3 FORMAT JSONEachRow;;',
  );
  assert.equal(format, 'JSONEachRow');
  assert.deepEqual(query.kind === 'union' && [query.members.length, query.modes], [3, ['ALL', 'DISTINCT']]);
});

test('refused: statements other than SELECT, SETTINGS, INTO OUTFILE, several statements, table functions', () => {
  for (const [sql, reason] of [
    ['INSERT INTO visits VALUES (1)', /^164: only SELECT/],
    ['SET readonly = 0', /^164: only SELECT/],
    ['SELECT 1 SETTINGS readonly = 0', /^164: SETTINGS/],
    ['SELECT * FROM (SELECT 1 SETTINGS max_threads = 1)', /^164: SETTINGS/],
    ["SELECT 1 INTO OUTFILE '/tmp/x'", /^164: INTO OUTFILE/],
    ['SELECT 1 FORMAT CSV SETTINGS x = 1', /^164: SETTINGS/],
    ['SELECT 1; SELECT 2', /^62: one statement/],
    ['SELECT 1; DROP TABLE visits', /^62: one statement/],
    ["SELECT * FROM file('/etc/passwd')", /^446: table function file/],
    ["SELECT * FROM `url`('http://x')", /^446: table function url/],
    ['SELECT * FROM default.numbers(10)', /^446: table function default.numbers/],
    ["SELECT default.file('x')", /^446: function default.file/],
    ['SELECT 1 UNION SELECT 2', /^62: .*ALL or DISTINCT/],
    ['SELECT x IN t', /^62: .*after IN/],
    ['SELECT arrayMap(x -> x, [1])', /^62: /],
    ['SELECT * FROM t FINAL', /^62: /],
    ['SELECT * FROM t ARRAY JOIN a', /^62: /],
    ['SELECT * FROM a ANY LEFT JOIN b USING x', /^62: /],
    ['SELECT count() OVER ()', /^62: /],
    ['SELECT 1 LIMIT 1 BY x', /^62: /],
    ['SELECT t.1 FROM t', /^62: /],
    ['', /^62: empty query/],
  ] as const) {
    assert.match(refusal(sql), reason, sql);
  }
});

test('bounds: tree depth and relations per FROM', () => {
  const nested = (n: number) => `SELECT ${'('.repeat(n)}1${' + 1)'.repeat(n)}`;
  assert.doesNotThrow(() => parseStatement(nested(MAX_AST_DEPTH - 3)));
  assert.match(refusal(nested(MAX_AST_DEPTH)), /^167: /);
  assert.match(refusal(`SELECT ${'-'.repeat(2000).split('').join(' ')}1`), /^167: /);
  assert.match(refusal(`SELECT ${'['.repeat(300)}${']'.repeat(300)}`), /^167: /);
  const join = (n: number) => `SELECT 1 FROM ${Array.from({ length: n }, (_, i) => `t${i}`).join(', ')}`;
  assert.doesNotThrow(() => parseStatement(join(MAX_FROM_RELATIONS)));
  assert.match(refusal(join(MAX_FROM_RELATIONS + 1)), /^168: /);
});

test('a long AND/OR chain or IN list is flat, not deep', () => {
  const ors = Array.from({ length: 500 }, (_, i) => `x = ${i}`).join(' OR ');
  assert.equal((where(ors) as Extract<Expr, { kind: 'logical' }>).operands.length, 500);
});

test('syntax errors name words and operators but never the text of a string', () => {
  assert.match(refusal("SELECT 'exfiltrated' 'more'"), /found a string/);
  assert.doesNotMatch(refusal("SELECT 'exfiltrated' 'more'"), /exfiltrated|more/);
});
