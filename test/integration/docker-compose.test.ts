// docker-compose.yml is validated, not run (no Docker engine here): Debian's docker-compose resolves
// it offline, and its YAML is read back with the PyYAML that docker-compose itself runs on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KEYS = 'k1:c2hhcmVkLWtleS1mb3ItYWxsLXdvcmtlcnMtMzJieXQ=';

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
  /** `source:target[:mode]`, as docker-compose prints them. */
  volumes?: string[];
  profiles?: string[];
}

/** The resolved file, all profiles on, as an object. */
function resolved(env: Record<string, string> = {}): {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
} {
  const yaml = execFileSync('docker-compose', ['-f', 'docker-compose.yml', '--profile', 'cameras', 'config'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, REVISIT_ENCRYPTION_KEYS: KEYS, ...env },
  });
  const json = execFileSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
    input: yaml,
    encoding: 'utf8',
  });
  return JSON.parse(json);
}

const targetOf = (v: string) => v.split(':')[1];
const REVISIT = ['migrate', 'reid-worker', 'api', 'scheduler'];

test('docker-compose.yml is valid and wires the analytics services to Kafka, the ClickHouse server, Redis and one shared key', () => {
  const { services } = resolved();
  for (const name of ['kafka', 'clickhouse', 'redis', ...REVISIT, 'camera-entrance'])
    assert.ok(services[name], `service ${name}`);
  for (const name of REVISIT) {
    const env = services[name].environment ?? {};
    assert.equal(env.REVISIT_KAFKA_BROKERS, 'kafka:9092', name);
    assert.equal(env.REVISIT_CLICKHOUSE_URL, 'http://clickhouse:8123', `${name} never opens an embedded store`);
    assert.equal(env.REVISIT_REDIS_URL, 'redis://redis:6379', name);
    assert.equal(env.REVISIT_ENCRYPTION_KEYS, KEYS, `${name}: all services share one key`);
  }
  assert.ok(services.redis.command?.includes('--appendonly'));
});

test('a camera gets Kafka and its configuration only: no ClickHouse, no Redis, no key, and it waits for Kafka alone', () => {
  const camera = resolved().services['camera-entrance'];
  const env = Object.keys(camera.environment ?? {});
  assert.deepEqual(
    env.filter((k) => /CLICKHOUSE|REDIS|ENCRYPTION|KEYS_FILE/.test(k)),
    [],
  );
  assert.equal(camera.environment?.REVISIT_KAFKA_BROKERS, 'kafka:9092');
  assert.deepEqual(Object.keys(camera.depends_on ?? {}), ['kafka']);
  assert.deepEqual(camera.profiles, ['cameras'], 'cameras start once their sources are set');
  assert.equal(camera.command?.at(-1), 'rtsp://entrance-camera:554/stream', 'the documented default source');
  const overridden = resolved({ ENTRANCE_CAMERA_SOURCE: '/videos/entrance.mp4' }).services['camera-entrance'];
  assert.equal(overridden.command?.at(-1), '/videos/entrance.mp4', 'ENTRANCE_CAMERA_SOURCE overrides it');
  assert.ok(
    overridden.volumes?.some((v) => targetOf(v) === '/videos'),
    'files under ./videos are reachable',
  );
});

test('every service has a healthcheck; Revisit services probe /readyz on their operator port', () => {
  const { services } = resolved();
  for (const [name, service] of Object.entries(services)) {
    if (name === 'migrate') {
      assert.deepEqual(service.healthcheck?.test, ['NONE'], 'the one-shot migration is not probed');
      continue;
    }
    assert.ok(service.healthcheck?.test?.length, `${name} has a healthcheck`);
    if (service.environment?.REVISIT_METRICS_PORT)
      assert.match(service.healthcheck!.test!.join(' '), /127\.0\.0\.1:9464\/readyz/, name);
  }
});

test('Kafka keeps its log on the volume, digests land on a volume, the BI SQL is applied by a one-shot migrate before the services start', () => {
  const { services, volumes } = resolved();
  const kafka = services.kafka;
  assert.ok(
    kafka.volumes?.some((v) => targetOf(v) === kafka.environment?.KAFKA_LOG_DIRS),
    'KAFKA_LOG_DIRS is the mounted volume',
  );
  const folderRoot = JSON.parse(readFileSync(`${ROOT}config/revisit.json`, 'utf8')).digests.folderRoot;
  assert.ok(
    services.scheduler.volumes?.some((v) => v.startsWith('digests:') && targetOf(v) === folderRoot),
    'the digests volume is the folder root',
  );
  assert.ok('digests' in volumes && 'kafka-data' in volumes);
  assert.deepEqual(services.migrate.command, ['migrate', '--bi', '--apply']);
  for (const name of ['reid-worker', 'api', 'scheduler'])
    assert.equal(services[name].depends_on?.migrate?.condition, 'service_completed_successfully', name);
});

test('docker-compose.yml refuses to run without a shared encryption key', () => {
  const env = { ...process.env };
  delete env.REVISIT_ENCRYPTION_KEYS;
  assert.throws(
    () =>
      execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, env, stdio: 'pipe' }),
    /REVISIT_ENCRYPTION_KEYS/,
  );
});

test('.dockerignore keeps data directories, key files and node_modules out of `COPY . .`', () => {
  const ignored = readFileSync(`${ROOT}.dockerignore`, 'utf8')
    .split('\n')
    .map((l) => l.trim());
  for (const entry of ['data/', '**/data/', 'keys.json', '**/keys.json', 'node_modules/', 'models/onnx/', '.git'])
    assert.ok(ignored.includes(entry), entry);
  assert.match(readFileSync(`${ROOT}Dockerfile`, 'utf8'), /^COPY \. \.$/m, 'the copy the ignore file guards');
});
