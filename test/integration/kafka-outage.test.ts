// A long broker outage: kafkajs gives up on a consumer when it cannot find the group coordinator
// (a "non-retriable" error); the bus starts it again, unready meanwhile, so delivery resumes by itself.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, Subscription } from '../../common/bus/bus.ts';
import { createKafkaBus } from '../../common/bus/kafka-bus.ts';
import { startKafkaBroker, type KafkaBroker } from '../harness/kafka-broker.ts';

/** Longer than kafkajs's consumer retries (5 from 300 ms, doubling: ~10 s) several times over. */
const OUTAGE_MS = 40_000;
const TOPIC = 'outage-topic';

let broker: KafkaBroker;
let bus: Bus;
let subscription: Subscription;
const received: string[] = [];

before(async () => {
  broker = await startKafkaBroker();
  bus = createKafkaBus({
    brokers: broker.brokers,
    clientId: 'outage',
    numPartitions: 1,
    retryBackoffMs: 200,
    retryBackoffMaxMs: 2000,
  });
  subscription = await bus.subscribe({ topic: TOPIC, groupId: 'outage-group' }, async ({ messages }) => {
    for (const m of messages) received.push(Buffer.from(m.value).toString('utf8'));
  });
});

after(async () => {
  await subscription?.stop();
  await broker?.stop();
});

async function until(what: string, ok: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(250);
  }
}

const pings = async () =>
  bus.ping().then(
    () => true,
    () => false,
  );

test('after a long outage the consumer is back: ready again and delivering, without a restart of the process', async () => {
  await bus.publish(TOPIC, [{ key: 's', value: Buffer.from('before') }]);
  await until('delivery before the outage', () => received.includes('before'), 60_000);

  await broker.down();
  assert.equal(await pings(), false, 'not ready while Kafka is down');
  await sleep(OUTAGE_MS);
  await broker.up();

  await until('ready again', pings, 120_000);
  await bus.publish(TOPIC, [{ key: 's', value: Buffer.from('after') }]);
  await until('delivery after the outage', () => received.includes('after'), 120_000);
  assert.deepEqual(
    received.filter((v) => v === 'before'),
    ['before'],
    'the batch committed before the outage is not delivered again',
  );
});
