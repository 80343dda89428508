// `revisit migrate --bi` prints a ClickHouse server's BI access for every key (revoked ones dropped)
// and refuses to apply it without a server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileApiKeyStore } from '../../analytics-api/keys/file-api-key-store.ts';
import { hashApiKey } from '../../analytics-api/index.ts';

const CLI = new URL('../../bin/revisit.js', import.meta.url).pathname;

test('migrate --bi: the definer once, a user, views and a row policy per key, drops for revoked keys', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-migrate-bi-'));
  try {
    const config = join(dir, 'revisit.json');
    const fixedKey = hashApiKey('a-key-in-configuration');
    writeFileSync(
      config,
      JSON.stringify({
        dataDir: dir,
        sites: [
          { id: 'a', name: 'A', tenant: 'acme' },
          { id: 'b', name: 'B', tenant: 'acme' },
        ],
        privacy: { minCount: 7 },
        api: { keys: [{ tenant: 'acme', sha256: fixedKey }] },
      }),
    );
    const store = new FileApiKeyStore(join(dir, 'api-keys.json'));
    const { record: live } = await store.create({ tenant: 'acme', role: 'viewer', sites: ['b'] });
    const { record: gone } = await store.create({ tenant: 'acme', role: 'viewer', sites: '*' });
    await store.revoke(gone.id);
    const run = (...args: string[]) =>
      promisify(execFile)('node', [CLI, 'migrate', ...args], { env: { ...process.env, REVISIT_CONFIG: config } });

    const { stdout } = await run('--bi');
    const statements = stdout
      .trim()
      .split(';\n')
      .map((s) => s.replace(/;$/, ''));
    assert.equal(statements.filter((s) => s.startsWith('CREATE QUOTA')).length, 1);
    assert.ok(
      statements.some((s) => s.startsWith(`CREATE USER IF NOT EXISTS bi_c${fixedKey.slice(0, 12)} `)),
      'the configuration key',
    );
    assert.ok(
      statements.some((s) => s.startsWith(`CREATE USER IF NOT EXISTS bi_k${live.id} `)),
      'the store key',
    );
    assert.ok(
      statements
        .filter((s) => s.includes(`revisit_bi_k${live.id}.`))
        .every(
          (s) =>
            !s.startsWith('CREATE OR REPLACE VIEW') ||
            s.endsWith("(tenant = 'acme', min_count = 7) WHERE site_id IN ('b')"),
        ),
    );
    assert.ok(statements.includes(`DROP USER IF EXISTS bi_k${gone.id}`), 'a revoked key loses its user');
    assert.equal(
      statements.some((s) => s.startsWith(`CREATE USER IF NOT EXISTS bi_k${gone.id}`)),
      false,
    );

    await assert.rejects(run('--bi', '--apply'), /needs a ClickHouse server/);
    await assert.rejects(run('--apply'), /--apply goes with --bi/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
