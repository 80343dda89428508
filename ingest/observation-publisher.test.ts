/** The publisher against a real in-process bus that goes down (rejecting or unanswered) and comes back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Bus } from '../common/bus/bus.ts';
import { createMemoryBus } from '../common/bus/memory-bus.ts';
import { decodeFaceObservation, type FaceObservation, type MessageLimits } from '../schemas/index.ts';
import { busDownObservationsTotal, trackObservationsTotal } from './ingest-metrics.ts';
import { MODEL_ID, MODEL_VERSION } from '../models/index.ts';
import { ObservationPublisher, type BusDownPolicy } from './observation-publisher.ts';

const SITE = 'pub-site';
const T0 = 1_700_000_000_000;
const limits: MessageLimits = {
  embeddingDim: 512,
  maxMessageBytes: 65_536,
  isKnownSite: (s) => s === SITE,
  times: { now: () => T0, maxFutureSkewMs: 60_000, maxPastMsOf: () => 60_000 },
};

function observation(i: number): FaceObservation {
  const embedding = Float32Array.from({ length: 512 }, (_, d) => (d === i % 512 ? 1 : 0));
  return {
    observationId: `o-${i}`,
    siteId: SITE,
    cameraId: 'cam',
    trackId: `t-${i}`,
    tStartMs: T0 + i,
    tEndMs: T0 + 500 + i,
    embedding,
    quality: 0.9,
    modelId: MODEL_ID,
    modelVersion: MODEL_VERSION,
    cannotLinkTrackIds: [],
  };
}

/** A memory bus whose publish can be made to reject at once or to hang until the bus is back, as kafkajs does. */
function switchableBus() {
  const inner = createMemoryBus({ numPartitions: 1 });
  let mode: 'up' | 'reject' | 'hang' = 'up';
  let wake: () => void = () => undefined;
  let back = Promise.resolve();
  const bus: Bus = {
    async publish(topic, messages) {
      if (mode === 'reject') throw new Error('broker unreachable (injected)');
      if (mode === 'hang') await back;
      return inner.publish(topic, messages);
    },
    ping: () => inner.ping(),
    subscribe: (options, handler) => inner.subscribe(options, handler),
    close: () => inner.close(),
  };
  return {
    bus,
    set(next: 'up' | 'reject' | 'hang') {
      if (next === 'hang') back = new Promise((resolve) => (wake = resolve));
      if (mode === 'hang') wake();
      mode = next;
    },
  };
}

async function received(bus: Bus): Promise<string[]> {
  const ids: string[] = [];
  const subscription = await bus.subscribe({ topic: 'obs', groupId: `g-${Math.random()}` }, async (batch) => {
    for (const m of batch.messages) ids.push(decodeFaceObservation(m.value, limits).observationId);
  });
  await subscription.drain();
  await subscription.stop();
  return ids;
}

async function counted(outcome: 'buffered' | 'dropped'): Promise<number> {
  return (await busDownObservationsTotal.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `o-${from + i}`);
const policy = (whenBusDown: 'buffer' | 'drop', busDownBufferMax = 1000): BusDownPolicy => ({
  whenBusDown,
  busDownBufferMax,
  busDownAfterMs: 100,
});

test('buffer: an unanswered publish marks the bus down; later observations wait in a bounded buffer and follow in order', async () => {
  const { bus, set } = switchableBus();
  const publisher = new ObservationPublisher(bus, 'obs', limits, policy('buffer', 50));
  const [buffered0, dropped0] = [await counted('buffered'), await counted('dropped')];
  await publisher.publish([0, 1, 2, 3, 4].map(observation));
  set('hang');
  await publisher.publish([5, 6, 7].map(observation)); // returns after busDownAfterMs: the camera goes on
  for (let i = 8; i < 68; i++) await publisher.publish([observation(i)]);
  assert.equal(publisher.buffered, 50, 'bounded');
  assert.equal((await counted('buffered')) - buffered0, 60);
  assert.equal((await counted('dropped')) - dropped0, 10, 'the 10 oldest buffered went over the bound');
  set('up');
  await publisher.flush();
  assert.equal(publisher.buffered, 0);
  assert.deepEqual(
    await received(bus),
    [...ids(0, 8), ...ids(18, 68)],
    'the stalled send landed once, the buffer after it, in order',
  );
  await bus.close();
});

test('buffer: a rejected publish is buffered and re-sent with backoff until the bus takes it', async () => {
  const { bus, set } = switchableBus();
  const publisher = new ObservationPublisher(bus, 'obs', limits, policy('buffer'));
  set('reject');
  for (let i = 0; i < 20; i += 5) await publisher.publish([i, i + 1, i + 2, i + 3, i + 4].map(observation));
  assert.equal(publisher.buffered, 20);
  await new Promise((resolve) => setTimeout(resolve, 600)); // a few failed re-sends meanwhile
  set('up');
  await publisher.flush();
  await publisher.publish([observation(20)]);
  assert.deepEqual(await received(bus), ids(0, 21), 'none lost, none doubled');
  await bus.close();
});

test('drop: observations published while the bus is down are dropped and counted; publishing resumes when it is back', async () => {
  const { bus, set } = switchableBus();
  const publisher = new ObservationPublisher(bus, 'obs', limits, policy('drop'));
  const dropped0 = await counted('dropped');
  set('reject');
  await publisher.publish([0, 1, 2].map(observation));
  set('hang');
  await publisher.publish([observation(3)]); // unanswered: still the producer's, not dropped
  await publisher.publish([4, 5].map(observation));
  assert.equal((await counted('dropped')) - dropped0, 5);
  assert.equal(publisher.buffered, 0, 'drop never buffers');
  set('up');
  await publisher.flush();
  await publisher.publish([observation(6)]);
  assert.deepEqual(await received(bus), ['o-3', 'o-6']);
  await bus.close();
});

test('bad input is refused even while the bus is down; without a policy a failed publish rejects', async () => {
  const { bus, set } = switchableBus();
  set('reject');
  const buffering = new ObservationPublisher(bus, 'obs', limits, policy('buffer'));
  await assert.rejects(buffering.publish([{ ...observation(0), siteId: 'nowhere' }]), /site/);
  await assert.rejects(
    buffering.publish([{ ...observation(0), embedding: observation(0).embedding.map(() => Number.NaN) }]),
    /finite|NaN/i,
  );
  assert.equal(buffering.buffered, 0);
  await assert.rejects(new ObservationPublisher(bus, 'obs', limits).publish([observation(1)]), /broker unreachable/);
  set('up');
  await bus.close();
});

test('camera ids beyond the first 64 of a site share the "other" series: invented ids cannot grow /metrics', async () => {
  const bus = createMemoryBus({ numPartitions: 1 });
  const publisher = new ObservationPublisher(bus, 'cams', limits);
  await publisher.publish([observation(9_999)]); // camera "cam", as in the tests above: it holds one of the 64
  for (let i = 0; i < 200; i++) await publisher.publish([{ ...observation(10_000 + i), cameraId: `invented-${i}` }]);
  const cameras = (await trackObservationsTotal.get()).values.map((v) => String(v.labels.camera));
  const invented = cameras.filter((c) => c.startsWith('invented-'));
  assert.deepEqual([cameras.includes('cam'), invented.length], [true, 63]);
  assert.deepEqual(
    invented,
    Array.from({ length: 63 }, (_, i) => `invented-${i}`),
    'the first ones seen keep their names',
  );
  assert.equal((await trackObservationsTotal.get()).values.find((v) => v.labels.camera === 'other')?.value, 200 - 63);
  await bus.close();
});
