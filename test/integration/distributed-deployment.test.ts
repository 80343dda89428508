// The distributed deployment started by hand, as docs/operations.md tells an operator: a real Kafka
// broker (KRaft) and redis-server, a shared ClickHouse (REVISIT_TEST_CLICKHOUSE_URL's server, else
// chdb behind the test HTTP front), two `revisit worker`, two `revisit ingest` cameras on live
// streams, and `revisit serve`. Cameras run with no ClickHouse, Redis or key; every service answers
// /readyz (not ready while Kafka is down, ready after) and /metrics, with a non-zero lag gauge
// while a backlog waits; an API restart keeps its consumer group. (What refuses to start, and an
// erasure that cannot reach ClickHouse: distributed-refusals.test.ts.)
//
// The shared store: without REVISIT_TEST_CLICKHOUSE_URL it is chdb (ClickHouse's own engine) behind
// the test HTTP front (test/harness/chdb-http-server.ts). That proves every service reaches one
// store over HTTP with the client a server would see, and that the cameras' observations become
// sightings there through two workers. It does not prove a ClickHouse server's behaviour: its
// concurrency and merges under several writers, mutations across replicas, users, quotas and TLS,
// an outage of the server itself, or its performance. Set the variable to run the same test
// against a server (each run takes a fresh database there).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createKafkaBus } from '../../common/bus/kafka-bus.ts';
import { loadConfig } from '../../common/config.ts';
import { findFreePort } from '../../common/process/find-free-port.ts';
import { seededRandom } from '../../common/seeded-random.ts';
import { MODEL_ID, MODEL_VERSION } from '../../models/index.ts';
import { randomUnit, samePerson } from '../../reid-worker/index/synthetic-embeddings.ts';
import { encodeFaceObservation, type MessageLimits } from '../../schemas/index.ts';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';
import { makeFaceVideo } from '../fixtures/make-face-video.ts';
import { useClickHouseServer, type ClickHouseService } from '../harness/clickhouse-server.ts';
import { personImages } from '../harness/faces-dir.ts';
import { startKafkaBroker, type KafkaBroker } from '../harness/kafka-broker.ts';
import { startRedisServer, type RedisServer } from '../harness/redis-server.ts';
import { serveLiveStream, type LiveStream } from '../harness/serve-live-stream.ts';
import {
  isolatedEnv,
  metricSum,
  startRevisitProcess,
  untilAnswer,
  type RevisitProcess,
} from '../harness/start-revisit-process.ts';
import { uniqueName } from '../harness/unique-name.ts';

const SITES = ['store-a', 'store-b'];
const TOKEN = randomBytes(16).toString('hex');
const AUTH = { authorization: `Bearer ${TOKEN}` };
const GROUP = uniqueName('reid');
const CALLBACK_GROUP = uniqueName('api-callbacks');
const BACKLOG = 300;

let broker: KafkaBroker;
let redisServer: RedisServer;
let clickhouse: ClickHouseService;
let admin: Admin;
let dir: string;
let topic: string;
const processes: RevisitProcess[] = [];
const streams: LiveStream[] = [];

/** A service's configuration file: the shared settings plus what `stores` adds. */
function writeConfig(name: string, stores: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      sites: SITES.map((id) => ({ id, name: id })),
      kafka: {
        brokers: broker.brokers,
        partitions: 2,
        sessionTimeoutMs: 6000,
        groupId: GROUP,
        callbackGroupId: CALLBACK_GROUP,
      },
      topics: {
        observations: topic,
        deadLetters: `${topic}.dlq`,
        sightings: `${topic}.sightings`,
        merges: `${topic}.merges`,
      },
      bi: { port: 'off' },
      ...stores,
    }),
  );
  return file;
}

/** Exactly what a service gets: its own empty home and data directory, nothing inherited. */
function serviceEnv(name: string, config: string, extra: Record<string, string> = {}): Record<string, string> {
  return isolatedEnv(join(dir, 'homes', name), config, { REVISIT_METRICS_TOKEN: TOKEN, ...extra });
}

interface Service {
  name: string;
  process: RevisitProcess;
  probes: string;
}

async function startService(
  name: string,
  args: string[],
  config: string,
  extra: Record<string, string> = {},
): Promise<Service> {
  const port = await findFreePort();
  const started = startRevisitProcess(args, serviceEnv(name, config, { REVISIT_METRICS_PORT: String(port), ...extra }));
  processes.push(started);
  return { name, process: started, probes: `http://127.0.0.1:${port}` };
}

/** A live camera that runs until the test ends. */
async function liveStream(video: string): Promise<string> {
  const stream = await serveLiveStream(video);
  streams.push(stream);
  return stream.url;
}

before(async () => {
  // A private broker: this test stops and starts it.
  broker = await startKafkaBroker();
  redisServer = await startRedisServer({ appendOnly: true });
  clickhouse = await useClickHouseServer();
  dir = mkdtempSync(join(tmpdir(), 'revisit-distributed-'));
  topic = uniqueName('obs');
  admin = new Kafka({ brokers: broker.brokers, clientId: 'distributed-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});

after(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  for (const s of streams) s.stop();
  await admin?.disconnect();
  await redisServer?.stop();
  await broker?.stop();
  await clickhouse?.release();
  rmSync(dir, { recursive: true, force: true });
});

test('two workers, two cameras and the API: cameras need only Kafka; every service is ready, unready while Kafka is down, ready again; lag shows a backlog; an API restart keeps its consumer group', {
  timeout: 420_000,
}, async (t) => {
  const stores = {
    clickhouse: { url: clickhouse.url, database: clickhouse.database },
    redis: { url: redisServer.url, keyPrefix: uniqueName('dist') },
    encryption: { keys: { k1: randomBytes(32).toString('base64') }, activeKeyId: 'k1' },
  };
  const full = writeConfig('services', stores);
  // A camera's whole configuration: sites, Kafka, topics. No ClickHouse, no Redis, no key.
  const cameraConfig = writeConfig('camera', {});
  const videos = await Promise.all(
    ['anpage', 'asamma'].map(async (person, i) => {
      const video = join(dir, `camera-${i}.mp4`);
      await makeFaceVideo(video, [
        { images: [personImages('faces94_subset', person)[0]], seconds: 3, motion: 'pan' },
        { images: [], seconds: 1, motion: 'empty' },
      ]);
      return video;
    }),
  );

  const workers = [await startService('worker-1', ['worker'], full), await startService('worker-2', ['worker'], full)];
  const apiPort = await findFreePort();
  const startApi = () => startService('api', ['serve'], full, { REVISIT_API_PORT: String(apiPort) });
  let api = await startApi();
  const cameras = await Promise.all(
    SITES.map(async (site, i) =>
      startService(
        `camera-${i}`,
        ['ingest', '--site', site, '--camera', `door-${i}`, '--source', await liveStream(videos[i])],
        cameraConfig,
      ),
    ),
  );
  const all = () => [...workers, api, ...cameras];

  for (const s of all())
    await untilAnswer(`${s.probes}/readyz`, (status) => status === 200, 120_000).catch((err) =>
      assert.fail(`${s.name}: ${err.message}\n${s.process.output().slice(-3000)}`),
    );
  const ready = JSON.parse(await untilAnswer(`${workers[0].probes}/readyz`, (status) => status === 200, 5000));
  assert.deepEqual(
    Object.keys(ready.checks).sort(),
    ['clickhouse', 'kafka', 'redis'],
    'a worker checks every store it uses',
  );
  const cameraReady = JSON.parse(await untilAnswer(`${cameras[0].probes}/readyz`, (status) => status === 200, 5000));
  assert.deepEqual(Object.keys(cameraReady.checks), ['kafka'], 'a camera depends on Kafka alone');

  // The cameras' observations become sightings in the shared store.
  const reader = await createClickHouseClient(
    loadConfig({ clickhouse: { url: clickhouse.url, database: clickhouse.database } }, {}),
  );
  try {
    const sightings = async () =>
      Number((await queryRows<{ n: string }>(reader, 'SELECT count() AS n FROM sightings'))[0].n);
    const deadline = Date.now() + 120_000;
    while ((await sightings()) === 0) {
      if (Date.now() > deadline)
        assert.fail(`no sighting from the cameras:\n${cameras.map((c) => c.process.output().slice(-2000)).join('\n')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    t.diagnostic(`sightings from the cameras: ${await sightings()} (shared store: ${clickhouse.label})`);
  } finally {
    await reader.close();
  }
  for (const [i, camera] of cameras.entries()) {
    const home = join(dir, 'homes', `camera-${i}`);
    assert.equal(
      existsSync(join(home, 'data')),
      false,
      'a camera creates no data directory: no embedded ClickHouse, no private Redis',
    );
    assert.equal(existsSync(join(home, '.config', 'revisit')), false, 'a camera generates no key');
    const observed = (status: number, body: string) =>
      status === 200 && metricSum(body, 'revisit_ingest_observations_total', `camera="door-${i}"`) > 0;
    const metrics = await untilAnswer(`${camera.probes}/metrics`, observed, 120_000, AUTH);
    assert.ok(metricSum(metrics, 'revisit_ingest_frames_total', `camera="door-${i}"`) > 0, 'camera frames counted');
    assert.ok(
      metricSum(metrics, 'revisit_ingest_observations_total', `camera="door-${i}"`) > 0,
      'camera observations counted',
    );
    assert.match(metrics, /^# TYPE revisit_ingest_drops_total counter$/m, 'drops are exposed');
    const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${camera.process.child.pid}/status`, 'utf8'))![1];
    t.diagnostic(`camera-${i}: peak resident memory ${Math.round(Number(peak) / 1024)} MB`);
  }
  for (const s of all())
    assert.equal((await fetch(`${s.probes}/metrics`, { headers: AUTH })).status, 200, `${s.name} serves /metrics`);
  assert.match(workers[0].process.output(), /"msg":"revisit worker started"/, 'a worker says it started, at info');
  assert.match(workers[0].process.output(), /"mode":"distributed"/);
  assert.match(workers[0].process.output(), /"msg":"partitions assigned"/);

  // Kafka down: every service says it is not ready, naming Kafka; back up: ready again.
  await broker.down();
  for (const s of all()) {
    const body = await untilAnswer(`${s.probes}/readyz`, (status) => status === 503, 30_000);
    assert.equal(JSON.parse(body).checks.kafka, 'unavailable', s.name);
  }
  await broker.up();
  for (const s of all())
    await untilAnswer(`${s.probes}/readyz`, (status) => status === 200, 90_000).catch((error: Error) => {
      throw new Error(`${s.name} not ready again: ${error.message}\n${s.process.output().slice(-4000)}`);
    });

  // A backlog: writes to Redis are paused, so batches cannot finish while observations pile up.
  const redis = new Redis(redisServer.url);
  const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'distributed-backlog', numPartitions: 2 });
  try {
    await redis.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    const limits: MessageLimits = {
      embeddingDim: 512,
      maxMessageBytes: 65_536,
      isKnownSite: (s) => SITES.includes(s),
      times: { now: Date.now, maxFutureSkewMs: 300_000, maxPastMsOf: () => 86_400_000 },
    };
    const random = seededRandom(3);
    const person = randomUnit(512, random);
    const t0 = Date.now() - 600_000;
    await bus.publish(
      topic,
      Array.from({ length: BACKLOG }, (_, i) => {
        const site = SITES[i % 2];
        const value = encodeFaceObservation(
          {
            observationId: `backlog-${i}`,
            siteId: site,
            cameraId: 'synthetic',
            trackId: `b-${i}`,
            tStartMs: t0 + i * 100,
            tEndMs: t0 + i * 100 + 50,
            embedding: samePerson(person, 0.9, random),
            quality: 0.9,
            modelId: MODEL_ID,
            modelVersion: MODEL_VERSION,
            cannotLinkTrackIds: [],
          },
          limits,
        );
        return { key: site, value };
      }),
    );
    const lagOf = async () => {
      let lag = 0;
      for (const w of workers)
        lag += metricSum(
          await (await fetch(`${w.probes}/metrics`, { headers: AUTH })).text(),
          'revisit_consumer_lag',
          `group="${GROUP}"`,
        );
      return lag;
    };
    let lag = 0;
    for (const deadline = Date.now() + 30_000; lag === 0 && Date.now() < deadline; ) {
      lag = await lagOf();
      if (lag === 0) await new Promise((r) => setTimeout(r, 250));
    }
    t.diagnostic(`lag while Redis writes are paused: ${lag}`);
    assert.ok(lag > 0, 'the lag gauge shows the backlog');
    await redis.call('CLIENT', 'UNPAUSE');
    for (const deadline = Date.now() + 120_000; (lag = await lagOf()) > 0 && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 500));
    assert.equal(lag, 0, 'the backlog drains and the gauge follows');
  } finally {
    await redis.call('CLIENT', 'UNPAUSE').catch(() => undefined);
    redis.disconnect();
    await bus.close();
  }

  // An API restart resumes its callback group: no new group appears.
  const committed = async () =>
    (await admin.fetchOffsets({ groupId: CALLBACK_GROUP, topics: [`${topic}.sightings`] }))[0].partitions.reduce(
      (n, p) => n + Math.max(0, Number(p.offset)),
      0,
    );
  const groupsBefore = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
  assert.ok(
    groupsBefore.includes(CALLBACK_GROUP),
    `the configured callback group reads the sightings (${groupsBefore.join(', ')})`,
  );
  const offsetBefore = await committed();
  assert.ok(offsetBefore > 0, 'the callback group committed what it read');
  const stopped = Date.now();
  assert.equal(
    await api.process.stop(),
    0,
    `the API stops cleanly on SIGTERM (after ${Date.now() - stopped} ms):\n${api.process.output().slice(-3000)}`,
  );
  api = await startApi();
  await untilAnswer(`${api.probes}/readyz`, (status) => status === 200, 120_000);
  assert.ok((await committed()) >= offsetBefore, 'it resumes from its committed offset');
  const groupsAfter = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
  assert.deepEqual(groupsAfter, groupsBefore, 'the restarted API created no consumer group');
  assert.deepEqual(
    groupsAfter.filter((g) => g.startsWith('api-callbacks-') && g !== CALLBACK_GROUP),
    [],
  );
  t.diagnostic(
    `consumer groups: ${groupsAfter.join(', ')}; data directories created: ${
      readdirSync(join(dir, 'homes'))
        .filter((h) => existsSync(join(dir, 'homes', h, 'data')))
        .join(', ') || 'none'
    }`,
  );
});
