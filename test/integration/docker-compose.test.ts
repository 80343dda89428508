// docker-compose.yml is validated, not run (no Docker engine here): Debian's docker-compose parses it offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('docker-compose.yml is valid and wires every service to Kafka, ClickHouse and Redis', () => {
  const resolved = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: ROOT, encoding: 'utf8' });
  for (const service of ['kafka:', 'clickhouse:', 'redis:', 'reid-worker:', 'api:', 'scheduler:', 'ingest-entrance:']) assert.match(resolved, new RegExp(`^  ${service}`, 'm'));
  assert.match(resolved, /REVISIT_KAFKA_BROKERS: kafka:9092/);
  assert.match(resolved, /REVISIT_CLICKHOUSE_URL: http:\/\/clickhouse:8123/);
  assert.match(resolved, /appendonly/);
});
