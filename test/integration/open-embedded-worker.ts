/** For privacy tests: the embedded deployment (in-process bus, chdb and a redis-server in a temp dir), with a worker. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../common/config.ts';
import { generateEncryptionKeys } from '../../identity-registry/index.ts';
import { openRuntime, type Runtime } from '../../runtime/open-runtime.ts';
import type { Subscription } from '../../common/bus/bus.ts';
import type { FaceObservation, RevisitConfigInput } from '../../schemas/index.ts';
import { after, before } from 'node:test';
import { startReidWorker } from '../../reid-worker/index.ts';
import { messageLimits } from '../../schemas/index.ts';
import { FacePipeline, ObservationPublisher } from '../../ingest/index.ts';
import { startLocalRedis } from '../../common/redis/local-redis-server.ts';

export interface EmbeddedWorker {
  runtime: Runtime;
  worker: Subscription;
  redisUrl: string;
  close(): Promise<void>;
}

/** One per test file: chdb allows one engine per data path per process. `now` is the worker's clock. */
export async function openEmbeddedWorker(overrides: RevisitConfigInput, now?: () => number): Promise<EmbeddedWorker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'revisit-privacy-'));
  // Its own server rather than the run's: the tests read every key of the keyspace.
  const redis = await startLocalRedis({ dir: join(dataDir, 'redis') });
  const config = loadConfig(
    { dataDir, redis: { url: redis.url }, encryption: generateEncryptionKeys(), ...overrides },
    {},
  );
  const runtime = await openRuntime(config);
  const worker = await startReidWorker({ ...runtime, now });
  return {
    runtime,
    worker,
    redisUrl: redis.url,
    async close() {
      await worker.stop();
      await runtime.close();
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A camera's publisher onto the worker's bus, checking observation times by `now` as the worker does. */
export function publisherOf(env: EmbeddedWorker, now?: () => number): ObservationPublisher {
  const { bus, config } = env.runtime;
  return new ObservationPublisher(bus, config.topics.observations, messageLimits(config, now));
}

export interface FaceWorker extends EmbeddedWorker {
  pipeline: FacePipeline;
  publisher: ObservationPublisher;
}

/** The embedded worker of one site, plus the real face pipeline and a publisher onto its bus; both check times by `now`. */
export async function openFaceWorker(siteId: string, now?: () => number): Promise<FaceWorker> {
  const env = await openEmbeddedWorker({ sites: [{ id: siteId, name: siteId, tenant: 't1', timezone: 'UTC' }] }, now);
  const pipeline = await FacePipeline.load();
  return {
    ...env,
    pipeline,
    publisher: publisherOf(env, now),
    async close() {
      await pipeline.close();
      await env.close();
    },
  };
}

/** A test file's embedded worker: opened before its tests, closed after them. */
export interface WorkerUnderTest {
  /** The running deployment (once the file's `before` has run). */
  readonly env: EmbeddedWorker;
  /** Publishes the observations as a camera does and waits until the worker has handled them. */
  deliver(...observations: FaceObservation[]): Promise<void>;
  /** The rows of a query on the worker's ClickHouse, `{s:String}` bound to the site. */
  rows<T>(query: string): Promise<T[]>;
}

/** Registers the file's `before` and `after`: one embedded worker for all its tests, on `siteId`. */
export function useEmbeddedWorker(siteId: string, overrides: RevisitConfigInput, now?: () => number): WorkerUnderTest {
  let opened: { env: EmbeddedWorker; publisher: ObservationPublisher } | undefined;
  const current = () => {
    if (!opened) throw new Error('the embedded worker opens in the before hook');
    return opened;
  };
  before(async () => {
    const env = await openEmbeddedWorker(overrides, now);
    opened = { env, publisher: publisherOf(env) };
  });
  after(async () => {
    await opened?.env.close();
  });
  return {
    get env() {
      return current().env;
    },
    deliver: async (...observations) => {
      await current().publisher.publish(observations);
      await current().env.worker.drain();
    },
    rows: async <T>(query: string) =>
      (
        await current().env.runtime.clickhouse.query({ query, query_params: { s: siteId }, format: 'JSONEachRow' })
      ).json<T>(),
  };
}
