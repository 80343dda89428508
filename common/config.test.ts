import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.ts';

test('defaults describe the embedded deployment', () => {
  const c = loadConfig({}, {});
  assert.equal(c.kafka, undefined);
  assert.equal(c.clickhouse.url, undefined);
  assert.equal(c.redis.url, undefined);
  assert.equal(c.matching.embeddingDim, 512);
  assert.equal(c.topics.observations, 'face-observations');
});

test('file, then environment, then overrides', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'revisit-cfg-')), 'c.json');
  writeFileSync(file, JSON.stringify({ dataDir: '/from-file', matching: { matchMinCosine: 0.3 }, api: { port: 1000 } }));
  const c = loadConfig({ api: { port: 2000 } }, { REVISIT_CONFIG: file, REVISIT_KAFKA_BROKERS: 'k1:9092, k2:9092', REVISIT_DATA_DIR: '/from-env' });
  assert.equal(c.dataDir, '/from-env');
  assert.deepEqual(c.kafka?.brokers, ['k1:9092', 'k2:9092']);
  assert.equal(c.matching.matchMinCosine, 0.3);
  assert.equal(c.matching.embeddingDim, 512, 'a partial section keeps its other defaults');
  assert.equal(c.api.port, 2000);
});

test('an invalid configuration lists every bad field', () => {
  assert.throws(
    () => loadConfig({}, { REVISIT_API_PORT: 'eighty', REVISIT_MATCH_MIN_COSINE: '7' }),
    (err: unknown) => err instanceof ConfigError && /api\.port/.test(err.message) && /matching\.matchMinCosine/.test(err.message),
  );
  assert.throws(() => loadConfig({}, { REVISIT_CONFIG: '/no/such/file.json' }), /cannot read config file/);
});

test('the compose deployment config file is valid', () => {
  const c = loadConfig({}, { REVISIT_CONFIG: new URL('../config/revisit.json', import.meta.url).pathname });
  assert.equal(c.sites[0].timezone, 'Europe/Berlin');
  assert.ok(c.kafka);
});

test('shared encryption keys come from the environment', () => {
  const c = loadConfig({}, { REVISIT_ENCRYPTION_KEYS: 'k1:AAAA, k2:BBBB', REVISIT_ENCRYPTION_ACTIVE_KEY_ID: 'k2' });
  assert.deepEqual(c.encryption, { keys: { k1: 'AAAA', k2: 'BBBB' }, activeKeyId: 'k2' });
});

test('privacy.minCount: default 5, the deprecated bi.minCount read when it is unset, both kept equal, a conflict refused', () => {
  assert.deepEqual([loadConfig({}, {}).privacy.minCount, loadConfig({}, {}).bi.minCount], [5, 5]);
  const viaAlias = loadConfig({ bi: { minCount: 7 } }, {});
  assert.deepEqual([viaAlias.privacy.minCount, viaAlias.bi.minCount], [7, 7]);
  const direct = loadConfig({ privacy: { minCount: 3 } }, {});
  assert.deepEqual([direct.privacy.minCount, direct.bi.minCount], [3, 3]);
  assert.equal(loadConfig({ privacy: { minCount: 4 }, bi: { minCount: 4 } }, {}).privacy.minCount, 4);
  assert.throws(() => loadConfig({ privacy: { minCount: 4 }, bi: { minCount: 6 } }, {}), (err: unknown) => err instanceof ConfigError && /bi\.minCount: deprecated alias of privacy\.minCount/.test(err.message));
  assert.throws(() => loadConfig({ privacy: { minCount: 1 } }, {}), /privacy\.minCount/);
});
