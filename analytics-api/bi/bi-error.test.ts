// Engine errors become generic ClickHouse-style errors; debug logs lose every literal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickhouseErrorText, engineError, redactLiterals } from './bi-error.ts';

test('known engine codes keep their code with a fixed reason; anything else is 1002', () => {
  const memory = engineError(241);
  assert.equal(memory.code, 241);
  assert.equal(
    clickhouseErrorText(memory.code, memory.message),
    'Code: 241. DB::Exception: memory limit exceeded (max_memory_usage). (REVISIT_BI)\n',
  );
  assert.equal(engineError(6).message, 'cannot parse a value');
  assert.equal(engineError(395).code, 1002, 'throwIf carries a message of the query: not passed on');
});

test('redaction removes quoted strings, quoted names and numbers, including unterminated ones', () => {
  const text =
    "Cannot parse string 'root:x:0:0:root' as UInt8: syntax error at `secret` \"x\" 0x1F 12.5e3 and 'unterminated";
  const out = redactLiterals(text);
  for (const leaked of ['root:x', 'secret', '"x"', '0x1F', '12.5e3', 'unterminated'])
    assert.ok(!out.includes(leaked), leaked);
  assert.match(out, /^Cannot parse string \? as UInt8: syntax error at \? \? \? \? and \?$/);
});
