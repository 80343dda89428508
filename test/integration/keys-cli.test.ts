// `revisit keys` end to end: create prints a key once, list never shows secrets, revoke stops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileApiKeyStore } from '../../analytics-api/keys/file-api-key-store.ts';

const CLI = new URL('../../bin/revisit.js', import.meta.url).pathname;

test('keys create, list and revoke through the CLI', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-keys-cli-'));
  const config = join(dir, 'revisit.json');
  writeFileSync(
    config,
    JSON.stringify({
      dataDir: dir,
      sites: [
        { id: 'a', name: 'A', tenant: 'acme' },
        { id: 'b', name: 'B', tenant: 'acme' },
        { id: 'z', name: 'Z', tenant: 'other' },
      ],
    }),
  );
  const env = { ...process.env, REVISIT_CONFIG: config };
  const run = (...args: string[]) => promisify(execFile)('node', [CLI, 'keys', ...args], { env });

  const created = await run(
    'create',
    '--tenant',
    'acme',
    '--role',
    'integrator',
    '--sites',
    'a',
    '--label',
    'till app',
  );
  const key = created.stdout.trim().split('\n').pop()!;
  assert.match(key, /^rv_[0-9a-f]{8}_/);
  const record = await new FileApiKeyStore(join(dir, 'api-keys.json')).verify(key);
  assert.deepEqual([record?.tenant, record?.role, record?.sites], ['acme', 'integrator', ['a']]);
  assert.equal(readFileSync(join(dir, 'api-keys.json'), 'utf8').includes(key), false, 'only the hash is stored');

  assert.match(
    (await run('list', '--tenant', 'other')).stdout,
    /no API keys for tenant "other" yet: create one with revisit keys create/,
  );
  const listed = (await run('list')).stdout;
  assert.match(listed, /^id\s+tenant\s+role\s+sites\s+state\s+label$/m, 'a header line');
  assert.match(listed, new RegExp(`^${record!.id}\\s+acme\\s+integrator\\s+a\\s+active\\s+till app$`, 'm'));
  assert.equal(listed.includes(key.slice('rv_00000000_'.length)), false);
  const json = JSON.parse((await run('list', '--json')).stdout);
  assert.deepEqual(json, [
    { id: record!.id, tenant: 'acme', role: 'integrator', sites: 'a', state: 'active', label: 'till app' },
  ]);

  await assert.rejects(run('create', '--tenant', 'acme', '--sites', 'z'), /not sites of tenant "acme": z/);
  await assert.rejects(run('create', '--tenant', 'nobody'), /tenant "nobody" has no configured site/);
  await assert.rejects(
    run('create', '--tenant', 'acme', '--role', 'root'),
    /Allowed choices are viewer, integrator, admin/,
  );

  await run('revoke', record!.id);
  assert.equal(await new FileApiKeyStore(join(dir, 'api-keys.json')).verify(key), null);
  await assert.rejects(run('revoke', '00000000'), /no key with id 00000000/);
});
