import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../common/config.ts';
import { checkDeployment, redactUrl } from './check-deployment.ts';

const kafka = { brokers: ['kafka:9092'] };
const everything = { clickhouse: true, redis: true, identityKeys: true };

test('embedded mode needs nothing configured', () => {
  assert.equal(checkDeployment(loadConfig({}, {}), 'revisit worker', everything), 'embedded');
});

test('distributed mode refuses each missing shared store in one line naming its setting', () => {
  const cases: Array<[object, RegExp]> = [
    [{ kafka }, /^revisit worker: .*clickhouse\.url.*REVISIT_CLICKHOUSE_URL[^\n]*$/],
    [{ kafka, clickhouse: { url: 'http://ch:8123' } }, /^revisit worker: .*redis\.url.*REVISIT_REDIS_URL[^\n]*$/],
    [
      { kafka, clickhouse: { url: 'http://ch:8123' }, redis: { url: 'redis://r:6379' } },
      /^revisit worker: .*encryption\.keys.*REVISIT_ENCRYPTION_KEYS[^\n]*$/,
    ],
  ];
  for (const [config, message] of cases)
    assert.throws(() => checkDeployment(loadConfig(config, {}), 'revisit worker', everything), {
      name: 'ConfigError',
      message,
    });
});

test('distributed mode accepts shared stores and keys, or an existing key file; a camera needs none of them', () => {
  const stores = { kafka, clickhouse: { url: 'http://ch:8123' }, redis: { url: 'redis://r:6379' } };
  assert.equal(
    checkDeployment(loadConfig({ ...stores, encryption: { keys: { k1: 'a2V5' } } }, {}), 'revisit worker', everything),
    'distributed',
  );
  const dir = mkdtempSync(join(tmpdir(), 'revisit-deploy-'));
  try {
    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, '{}');
    assert.equal(
      checkDeployment(loadConfig({ ...stores, encryption: { keysFile } }, {}), 'revisit worker', everything),
      'distributed',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(checkDeployment(loadConfig({ kafka }, {}), 'revisit ingest', {}), 'distributed');
});

test('URLs in logs lose their credentials and query strings', () => {
  assert.equal(redactUrl('http://default:s3cret@ch:8123/?x=1'), 'http://***@ch:8123/');
  assert.equal(redactUrl('rtsp://admin:pw@10.0.0.5/stream?token=abc'), 'rtsp://***@10.0.0.5/stream');
  assert.equal(redactUrl('/var/run/redis.sock'), '/var/run/redis.sock');
});
