// The server BI SQL renders and every statement parses in ClickHouse's own parser (formatQuery):
// no ClickHouse server runs here, so parsing is how far it can be checked (docs/bi.md says so).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createClickHouseClient, type ClickHouseClient } from '../../../storage/clickhouse/create-clickhouse-client.ts';
import {
  biDefinerStatements,
  biKeyDropStatements,
  biKeyName,
  biKeyStatements,
  type BiKeySqlInput,
} from './render-bi-key-sql.ts';

let dir: string;
let client: ClickHouseClient;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-bisql-'));
  client = await createClickHouseClient({
    dataDir: dir,
    clickhouse: { username: 'default', password: '', database: 'default' },
  });
});
after(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

async function formatted(sql: string): Promise<string> {
  const [row] = await (
    await client.query({
      query: 'SELECT formatQuery({q:String}) AS f',
      query_params: { q: sql },
      format: 'JSONEachRow',
    })
  ).json<{ f: string }>();
  return row.f;
}

const KEY: BiKeySqlInput = {
  name: 'k0a1b2c3d',
  tenant: 'acme',
  sites: ['s1', 'store-2'],
  passwordSha256: createHash('sha256').update('rv_0a1b2c3d_secret').digest('hex'),
  minCount: 5,
};

test('definer, profile, quota and a key: every statement parses', async () => {
  const all = [
    ...biDefinerStatements(),
    ...biKeyStatements(KEY),
    ...biKeyStatements({ ...KEY, name: 'cabc', sites: '*' }),
    ...biKeyDropStatements(KEY.name),
  ];
  for (const sql of all) assert.ok((await formatted(sql)).length > 0, sql);
  const definer = (await Promise.all(biDefinerStatements().map(formatted))).join('\n');
  for (const limit of [
    'readonly = 1 CONST',
    'max_execution_time = 30 CONST',
    'max_memory_usage = 1000000000 CONST',
    'max_rows_to_read = 200000000 CONST',
    'max_result_rows = 1000000 CONST',
    'max_result_bytes = 200000000 CONST',
    "result_overflow_mode = 'throw' CONST",
  ]) {
    assert.ok(definer.includes(limit), `profile: ${limit}`);
  }
  assert.match(
    definer,
    /CREATE QUOTA IF NOT EXISTS revisit_bi_quota KEYED BY user_name FOR INTERVAL 1 minute MAX queries = 60, errors = 20, result_rows = 2000000, read_rows = 500000000, execution_time = 120/,
  );
  assert.match(definer, /TO revisit_bi_reader/);
});

test("a key's views and row policy fix its tenant, minimum count and sites; a key of every site is bound by tenant only", async () => {
  const statements = biKeyStatements(KEY);
  const views = statements.filter((s) => s.startsWith('CREATE OR REPLACE VIEW'));
  assert.equal(views.length, 4);
  for (const v of views) assert.match(v, /\(tenant = 'acme', min_count = 5\) WHERE site_id IN \('s1', 'store-2'\)$/);
  assert.ok(
    statements.some((s) =>
      /ROW POLICY .* USING tenant = 'acme' AND site_id IN \('s1', 'store-2'\) TO bi_k0a1b2c3d$/s.test(s),
    ),
  );
  assert.ok(
    statements.some(
      (s) =>
        s.includes(`IDENTIFIED WITH sha256_hash BY '${KEY.passwordSha256}'`) &&
        s.includes("SETTINGS PROFILE 'revisit_bi_readonly'"),
    ),
  );
  assert.ok(statements.includes('GRANT revisit_bi_reader TO bi_k0a1b2c3d'), 'the role carries the quota');
  const everySite = biKeyStatements({ ...KEY, sites: '*' });
  assert.ok(everySite.filter((s) => s.startsWith('CREATE OR REPLACE VIEW')).every((s) => s.endsWith('min_count = 5)')));
  assert.ok(everySite.some((s) => /USING tenant = 'acme' TO bi_k0a1b2c3d$/.test(s)));
});

test('key names: store keys by id, configuration keys by their digest', () => {
  assert.equal(biKeyName({ id: '0a1b2c3d', sha256: 'f'.repeat(64) }), 'k0a1b2c3d');
  assert.equal(biKeyName({ sha256: '0123456789abcdef'.repeat(4) }), 'c0123456789ab');
});

test('a value that could break out of the SQL is refused', () => {
  assert.throws(() => biKeyStatements({ ...KEY, tenant: "x'; DROP TABLE visits --" }), /tenant .* letters, digits/);
  assert.throws(() => biKeyStatements({ ...KEY, sites: ["s1') OR 1=1 --"] }), /must be site ids/);
  assert.throws(() => biKeyStatements({ ...KEY, sites: [] }), /must be site ids/);
  assert.throws(() => biKeyStatements({ ...KEY, name: 'x; DROP USER default' }), /lower-case letters/);
  assert.throws(() => biKeyStatements({ ...KEY, passwordSha256: 'nothex' }), /64 lower-case hex/);
  assert.throws(() => biKeyStatements({ ...KEY, minCount: 1 }), /minCount/);
  assert.throws(() => biKeyDropStatements('bad name'), /lower-case letters/);
});
