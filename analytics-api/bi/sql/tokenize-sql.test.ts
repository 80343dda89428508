// The lexer: what it decodes like ClickHouse, and what it refuses rather than guess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BiQueryError } from './bi-query-error.ts';
import { MAX_TOKENS, tokenizeSql } from './tokenize-sql.ts';

const values = (sql: string) => tokenizeSql(sql).map((t) => `${t.kind}:${t.value}`);
const refusal = (sql: string) => {
  try {
    tokenizeSql(sql);
  } catch (err) {
    assert.ok(err instanceof BiQueryError);
    return `${err.code}: ${err.message}`;
  }
  assert.fail(`accepted ${JSON.stringify(sql)}`);
};

test('words, quoted names, strings, numbers and operators', () => {
  assert.deepEqual(values('SELECT `a b`, "c""d", \'it\'\'s\', 1.5e3, 0x1F, .5 FROM t WHERE x <> 1 AND y::Int8 || z'), [
    'word:SELECT',
    'quoted:a b',
    'punct:,',
    'quoted:c"d',
    'punct:,',
    "string:it's",
    'punct:,',
    'number:1.5e3',
    'punct:,',
    'number:0x1f',
    'punct:,',
    'number:.5',
    'word:FROM',
    'word:t',
    'word:WHERE',
    'word:x',
    'punct:<>',
    'number:1',
    'word:AND',
    'word:y',
    'punct:::',
    'word:Int8',
    'punct:||',
    'word:z',
  ]);
});

test('escapes decode to the characters ClickHouse reads', () => {
  assert.deepEqual(values(String.raw`'a\nb\t\\\'\x41\0'`), ["string:a\nb\t\\'A\0"]);
  assert.deepEqual(values('`we\\`ird`'), ['quoted:we`ird']);
});

test('comments are dropped: --, # , #!, nested block comments', () => {
  assert.deepEqual(values('SELECT /* a /* b */ c */ 1 -- x\n, 2 # y\n#!z\n'), [
    'word:SELECT',
    'number:1',
    'punct:,',
    'number:2',
  ]);
});

test('a dot after a name is an operator, not the start of a number', () => {
  assert.deepEqual(values('t.5'), ['word:t', 'punct:.', 'number:5']);
});

test('refused: Unicode outside quotes, parameters, heredocs, odd escapes, unterminated text, malformed numbers', () => {
  for (const [sql, reason] of [
    ['SELECT ｆｉｌｅ(1)', /U\+FF46/],
    ['SELECT\u00a01', /U\+00A0/],
    ['SELECT fi\u200dle(1)', /U\+200D/],
    ['SELECT \u2018x\u2019', /U\+2018/],
    ['SELECT {p:String}', /U\+007B/],
    ['SELECT $$x$$', /U\+0024/],
    ['SELECT #x', /U\+0023/],
    [String.raw`SELECT 'a\qb'`, /unsupported escape/],
    [String.raw`SELECT '\xff'`, /unsupported escape/],
    ["SELECT 'open", /unterminated quoted text/],
    ['SELECT /* open', /unterminated comment/],
    ['SELECT 1abc', /malformed number/],
    ['SELECT 1.2.3', /malformed number/],
    ['SELECT `a\nb`', /control character/],
  ] as const) {
    assert.match(refusal(sql), reason, sql);
  }
});

test('refusals never quote the text of a literal', () => {
  assert.doesNotMatch(refusal("SELECT 'secret-from-disk\\q'"), /secret/);
});

test('the token count is bounded', () => {
  assert.equal(tokenizeSql(Array(MAX_TOKENS).fill('1').join(' ')).length, MAX_TOKENS);
  assert.match(
    refusal(
      Array(MAX_TOKENS + 1)
        .fill('1')
        .join(' '),
    ),
    /^168: query has more than/,
  );
});
