// The server BI SQL renders and every statement parses in ClickHouse's own parser (formatQuery):
// no server runs here, so this is how far it can be checked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createClickHouseClient, type ClickHouseClient } from '../../../common/clickhouse/create-clickhouse-client.ts';
import { biDefinerStatements, biTenantStatements } from './render-bi-tenant-sql.ts';

let dir: string;
let client: ClickHouseClient;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-bisql-'));
  client = await createClickHouseClient({ dataDir: dir, clickhouse: { username: 'default', password: '', database: 'default' } });
});
after(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

test('definer and tenant statements parse; the tenant is fixed in every view and policy', async () => {
  const tenant = biTenantStatements({ tenant: 'acme', passwordSha256: createHash('sha256').update('pw').digest('hex') });
  const all = [...biDefinerStatements(), ...tenant];
  assert.equal(all.length, 19);
  for (const sql of all) {
    const [row] = await (await client.query({ query: 'SELECT formatQuery({q:String}) AS f', query_params: { q: sql }, format: 'JSONEachRow' })).json<{ f: string }>();
    assert.ok(row.f.length > 0, sql);
  }
  assert.equal(tenant.filter((s) => s.includes("tenant = 'acme', min_count = 5")).length, 4);
  assert.ok(tenant.some((s) => /ROW POLICY .* USING tenant = 'acme' TO bi_acme/s.test(s)));
});

test('a tenant name that could break out of the SQL is refused', () => {
  assert.throws(() => biTenantStatements({ tenant: "x'; DROP TABLE visits", passwordSha256: 'a'.repeat(64) }), /letters, digits or _/);
  assert.throws(() => biTenantStatements({ tenant: 'ok', passwordSha256: 'nothex' }), /64 lower-case hex/);
});
