/** One test suite for every ApiKeyStore implementation. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiKeyStore } from '../../analytics-api/keys/api-key-store.ts';
import { hashApiKey } from '../../analytics-api/keys/api-key-string.ts';

export function runApiKeyStoreContract(name: string, makeStore: () => Promise<ApiKeyStore>): void {
  const stores: ApiKeyStore[] = [];
  const fresh = async () => {
    const store = await makeStore();
    stores.push(store);
    return store;
  };
  after(async () => {
    for (const s of stores) await s.close();
  });

  test(`${name}: a created key verifies to its record; the secret is not stored`, async () => {
    const store = await fresh();
    const { record, key } = await store.create({ tenant: 't1', role: 'viewer', sites: ['s1'], label: 'BI' });
    assert.match(key, /^rv_[0-9a-f]{8}_/);
    assert.deepEqual(await store.verify(key), record);
    assert.equal(JSON.stringify(await store.list()).includes(key.slice('rv_00000000_'.length)), false);
  });

  test(`${name}: wrong, malformed and revoked keys do not verify`, async () => {
    const store = await fresh();
    const { record, key } = await store.create({ tenant: 't1', role: 'admin', sites: '*' });
    assert.equal(await store.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`), null);
    assert.equal(await store.verify('not-a-key'), null);
    assert.equal(await store.verify(''), null);
    assert.equal(await store.revoke(record.id), true);
    assert.equal(await store.verify(key), null);
    assert.equal(await store.revoke('00000000'), false);
    const listed = (await store.list()).find((r) => r.id === record.id);
    assert.ok(listed?.revokedAtMs, 'a revoked key stays listed for audit');
  });

  test(`${name}: listStored gives every key with the sha256 of its secret, never the secret`, async () => {
    const store = await fresh();
    const { record, key } = await store.create({ tenant: 't1', role: 'viewer', sites: ['s1'] });
    const stored = (await store.listStored()).find((k) => k.record.id === record.id);
    assert.deepEqual(stored, { record, sha256: hashApiKey(key) });
    assert.equal(JSON.stringify(await store.listStored()).includes(key.slice('rv_00000000_'.length)), false);
  });

  test(`${name}: list filters by tenant`, async () => {
    const store = await fresh();
    await store.create({ tenant: 'a', role: 'viewer', sites: '*' });
    await store.create({ tenant: 'b', role: 'viewer', sites: '*' });
    assert.deepEqual(
      (await store.list('a')).map((r) => r.tenant),
      ['a'],
    );
  });

  test(`${name}: invalid input is refused`, async () => {
    const store = await fresh();
    await assert.rejects(store.create({ tenant: '', role: 'viewer', sites: '*' }));
    await assert.rejects(store.create({ tenant: 't', role: 'root' as never, sites: '*' }));
    await assert.rejects(store.create({ tenant: 't', role: 'viewer', sites: [] }));
  });
}
