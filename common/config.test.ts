import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, placementEnv } from './config.ts';

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
  writeFileSync(
    file,
    JSON.stringify({ dataDir: '/from-file', matching: { matchMinCosine: 0.3 }, api: { port: 1000 } }),
  );
  const c = loadConfig(
    { api: { port: 2000 } },
    { REVISIT_CONFIG: file, REVISIT_KAFKA_BROKERS: 'k1:9092, k2:9092', REVISIT_DATA_DIR: '/from-env' },
  );
  assert.equal(c.dataDir, '/from-env');
  assert.deepEqual(c.kafka?.brokers, ['k1:9092', 'k2:9092']);
  assert.equal(c.matching.matchMinCosine, 0.3);
  assert.equal(c.matching.embeddingDim, 512, 'a partial section keeps its other defaults');
  assert.equal(c.api.port, 2000);
});

test('an invalid configuration lists every bad field', () => {
  assert.throws(
    () => loadConfig({}, { REVISIT_API_PORT: 'eighty', REVISIT_MATCH_MIN_COSINE: '7' }),
    (err: unknown) =>
      err instanceof ConfigError && /api\.port/.test(err.message) && /matching\.matchMinCosine/.test(err.message),
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

test('the key file defaults to the user configuration directory, never the data directory', () => {
  assert.equal(loadConfig({}, { HOME: '/home/u' }).encryption.keysFile, '/home/u/.config/revisit/keys.json');
  assert.equal(
    loadConfig({}, { HOME: '/home/u', XDG_CONFIG_HOME: '/xdg' }).encryption.keysFile,
    '/xdg/revisit/keys.json',
  );
  assert.equal(
    loadConfig({}, { HOME: '/home/u', XDG_CONFIG_HOME: 'relative' }).encryption.keysFile,
    '/home/u/.config/revisit/keys.json',
    'XDG paths must be absolute',
  );
  assert.equal(
    loadConfig({}, { HOME: '/home/u', REVISIT_KEYS_FILE: '/etc/revisit/keys.json' }).encryption.keysFile,
    '/etc/revisit/keys.json',
  );
  assert.equal(
    loadConfig({}, {}).encryption.keysFile,
    undefined,
    'no environment, no default: nothing is written into a home',
  );
});

test('digest deliveries: webhooks https unless allowHttp, folders inside digests.folderRoot, at config load', () => {
  const schedule = (deliver: unknown[]) => ({ digests: { schedules: [{ site: 'demo-store', deliver }] } }) as never;
  const fails = (overrides: never, pattern: RegExp) =>
    assert.throws(
      () => loadConfig(overrides, {}),
      (err: unknown) => err instanceof ConfigError && pattern.test(err.message),
    );
  fails(
    schedule([{ kind: 'webhook', url: 'http://hooks.example.com/x' }]),
    /deliver\.0\.url: webhook url must be https:/,
  );
  fails(
    schedule([{ kind: 'webhook', url: 'ftp://hooks.example.com/x', allowHttp: true }]),
    /webhook url must be https:/,
  );
  assert.equal(
    loadConfig(schedule([{ kind: 'webhook', url: 'http://hooks.example.com/x', allowHttp: true }]), {}).digests
      .schedules[0].deliver[0].kind,
    'webhook',
  );
  fails(schedule([{ kind: 'folder', dir: '../elsewhere' }]), /deliver\.0\.dir: must lie inside digests\.folderRoot/);
  fails(schedule([{ kind: 'folder', dir: '/etc/cron.d' }]), /must lie inside digests\.folderRoot/);
  const ok = loadConfig(
    {
      dataDir: '/srv/revisit',
      digests: {
        folderRoot: '/srv/pdf',
        schedules: [
          {
            site: 'demo-store',
            deliver: [
              { kind: 'folder', dir: '/srv/pdf/managers' },
              { kind: 'folder', dir: 'owners' },
              { kind: 'folder' },
            ],
          },
        ],
      },
    },
    {},
  );
  assert.deepEqual(
    ok.digests.schedules[0].deliver.map((d) => (d.kind === 'folder' ? d.dir : '')),
    ['/srv/pdf/managers', 'owners', '.'],
  );
});

test('network settings are parsed addresses, CIDR blocks or host names; anything else is named', () => {
  const c = loadConfig(
    {
      api: { trustedProxies: ['10.0.0.0/8', '::1'] },
      ingest: { upload: { callbackAllowList: ['hooks.internal', '192.168.0.0/16', 'fd00::/8'] } },
    },
    {},
  );
  assert.deepEqual(c.api.trustedProxies, ['10.0.0.0/8', '::1']);
  assert.throws(
    () => loadConfig({ api: { trustedProxies: ['10.0.0.0/33'] } }, {}),
    /api\.trustedProxies\.0: must be an IP address or a CIDR block/,
  );
  assert.throws(() => loadConfig({ api: { trustedProxies: ['proxy.internal'] } }, {}), /api\.trustedProxies\.0/);
  assert.throws(
    () => loadConfig({ ingest: { upload: { callbackAllowList: ['http://hooks.internal/'] } } }, {}),
    /callbackAllowList\.0: must be a host name/,
  );
  assert.throws(
    () => loadConfig({ ingest: { upload: { callbackAllowList: ['2130706433'] } } }, {}),
    /callbackAllowList\.0/,
  );
  assert.equal(
    loadConfig({}, { REVISIT_METRICS_TOKEN: 'a-metrics-token-of-some-length' }).metrics.token,
    'a-metrics-token-of-some-length',
  );
  assert.throws(() => loadConfig({}, { REVISIT_METRICS_TOKEN: 'short' }), /metrics\.token/);
});

test('a time zone the runtime does not know is refused at load, naming the field', () => {
  assert.throws(
    () => loadConfig({ sites: [{ id: 's1', name: 'S1', timezone: 'Mars/Olympus' }] }, {}),
    (err: unknown) =>
      err instanceof ConfigError && /sites\.0\.timezone: unknown IANA time zone "Mars\/Olympus"/.test(err.message),
  );
  assert.equal(
    loadConfig({ sites: [{ id: 's1', name: 'S1', timezone: 'Asia/Kathmandu' }] }, {}).sites[0].timezone,
    'Asia/Kathmandu',
  );
  assert.equal(loadConfig({ sites: [{ id: 's1', name: 'S1' }] }, {}).sites[0].timezone, 'UTC');
});

test('the observation time window defaults to a few minutes ahead and the sighting retention behind', () => {
  const c = loadConfig({}, {});
  assert.equal(c.limits.maxFutureSkewMs, 300_000);
  assert.equal(c.limits.maxPastDays, undefined);
  assert.throws(() => loadConfig({ limits: { maxFutureSkewMs: -1 } }, {}), /limits\.maxFutureSkewMs/);
});

test('privacy.minCount: default 5, the deprecated bi.minCount read when it is unset, both kept equal, a conflict refused', () => {
  assert.deepEqual([loadConfig({}, {}).privacy.minCount, loadConfig({}, {}).bi.minCount], [5, 5]);
  const viaAlias = loadConfig({ bi: { minCount: 7 } }, {});
  assert.deepEqual([viaAlias.privacy.minCount, viaAlias.bi.minCount], [7, 7]);
  const direct = loadConfig({ privacy: { minCount: 3 } }, {});
  assert.deepEqual([direct.privacy.minCount, direct.bi.minCount], [3, 3]);
  assert.equal(loadConfig({ privacy: { minCount: 4 }, bi: { minCount: 4 } }, {}).privacy.minCount, 4);
  assert.throws(
    () => loadConfig({ privacy: { minCount: 4 }, bi: { minCount: 6 } }, {}),
    (err: unknown) =>
      err instanceof ConfigError && /bi\.minCount: deprecated alias of privacy\.minCount/.test(err.message),
  );
  assert.throws(() => loadConfig({ privacy: { minCount: 1 } }, {}), /privacy\.minCount/);
});

/** Writes `text` as a config file and returns the error loading it gives. */
function errorOf(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'revisit-cfg-')), 'revisit.json');
  writeFileSync(file, text);
  try {
    loadConfig({}, { REVISIT_CONFIG: file });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

test('unknown keys are refused at every depth, each with the setting it was probably meant to be', () => {
  const message = errorOf(
    JSON.stringify({
      site: [{ id: 'a', name: 'A' }],
      api: { requestsPerMinut: 10 },
      sites: [{ id: 'a', name: 'A', timzone: 'UTC' }],
      digests: { schedules: [{ site: 'a', deliver: [{ kind: 'email', too: ['m@example.com'] }] }] },
      colour: 'blue',
    }),
  );
  assert.match(message, /- site: unknown setting \(did you mean "sites"\?\)/);
  assert.match(message, /- api\.requestsPerMinut: unknown setting \(did you mean "requestsPerMinute"\?\)/);
  assert.match(message, /- sites\.0\.timzone: unknown setting \(did you mean "timezone"\?\)/);
  assert.match(message, /- digests\.schedules\.0\.deliver\.0\.too: unknown setting \(did you mean "to"\?\)/);
  assert.match(
    message,
    /- colour: unknown setting\n|- colour: unknown setting$/m,
    'no suggestion when nothing is close',
  );
});

test('a misspelt time zone and a cron that is not one are refused at load, naming the field', () => {
  const message = errorOf(
    JSON.stringify({
      sites: [{ id: 'a', name: 'A', timezone: 'Europe/Berln' }],
      digests: { schedules: [{ site: 'a', cron: 'every morning', deliver: [{ kind: 'folder' }] }] },
    }),
  );
  assert.match(
    message,
    /sites\.0\.timezone: unknown IANA time zone "Europe\/Berln" \(did you mean "Europe\/Berlin"\?\)/,
  );
  assert.match(
    errorOf(JSON.stringify({ sites: [{ id: 'a', name: 'A', timezone: 'Berlin' }] })),
    /did you mean "Europe\/Berlin"\?/,
    'a bare city finds its zone',
  );
  assert.match(
    errorOf(JSON.stringify({ sites: [{ id: 'a', name: 'A', timezone: 'Mars/Olympus' }] })),
    /unknown IANA time zone "Mars\/Olympus" \(e\.g\. "Europe\/Berlin", "UTC"\)/,
    'no suggestion when nothing is close',
  );
  assert.match(message, /digests\.schedules\.0\.cron: not a cron expression/);
  assert.match(
    errorOf(JSON.stringify({ digests: { schedules: [{ site: 'nowhere', deliver: [{ kind: 'folder' }] }] } })),
    /digests\.schedules\.0\.site: unknown site "nowhere"/,
  );
});

test('a JSON syntax error names its line and column', () => {
  const message = errorOf('{\n  "sites": [],\n  "api": { "port" 8080 }\n}\n');
  assert.match(message, /is not valid JSON: .* at line 3, column 19/);
  assert.match(errorOf('[1, 2]'), /must hold a JSON object, not an array/);
});

test('the demo takes from the environment only where to keep its data and where to listen', () => {
  const env = placementEnv({
    REVISIT_DATA_DIR: '/srv/revisit',
    REVISIT_API_PORT: '9000',
    REVISIT_KAFKA_BROKERS: 'kafka:9092',
    REVISIT_CONFIG: '/etc/revisit.json',
  });
  const config = loadConfig({}, env);
  assert.deepEqual([config.dataDir, config.api.port, config.kafka], ['/srv/revisit', 9000, undefined]);
});
