// docker-compose.yml is validated, not run (no Docker engine here): Debian's docker-compose parses it offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('docker-compose.yml is valid and wires every service to Kafka, ClickHouse and Redis', () => {
  const env = { ...process.env, REVISIT_ENCRYPTION_KEYS: 'k1:c2hhcmVkLWtleS1mb3ItYWxsLXdvcmtlcnMtMzJieXQ=' };
  const resolved = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: ROOT, encoding: 'utf8', env });
  for (const service of ['kafka:', 'clickhouse:', 'redis:', 'reid-worker:', 'api:', 'scheduler:', 'ingest-entrance:']) assert.match(resolved, new RegExp(`^  ${service}`, 'm'));
  assert.match(resolved, /REVISIT_KAFKA_BROKERS: kafka:9092/);
  assert.match(resolved, /REVISIT_CLICKHOUSE_URL: http:\/\/clickhouse:8123/);
  assert.match(resolved, /appendonly/);
  assert.match(resolved, /REVISIT_ENCRYPTION_KEYS: k1:/, 'all services get the same key');
});

test('docker-compose.yml refuses to run without a shared encryption key', () => {
  const env = { ...process.env };
  delete env.REVISIT_ENCRYPTION_KEYS;
  assert.throws(() => execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, env, stdio: 'pipe' }), /REVISIT_ENCRYPTION_KEYS/);
});
