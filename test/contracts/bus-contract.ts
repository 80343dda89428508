/** The one behavioural test suite every Bus implementation must pass (Kafka and in-process). */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueName } from '../harness/unique-name.ts';
import type { Bus, DeliveredBatch, OutgoingMessage } from '../../common/bus/bus.ts';

/** What the suite asks of a bus under test. */
export interface ContractBusOptions {
  /** Partitions of every topic the bus creates. */
  numPartitions: number;
  /** Redelivery pause after a failed handler: short, so the suite stays fast. */
  retryBackoffMs: number;
  /** Cap of the pause, which doubles with each failure in a row. */
  retryBackoffMaxMs: number;
}

/** Builds a fresh bus; the suite closes it after each test. */
export type MakeBus = (options: ContractBusOptions) => Bus | Promise<Bus>;

const OPTIONS: ContractBusOptions = { numPartitions: 4, retryBackoffMs: 100, retryBackoffMaxMs: 400 };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A message whose value says which key and sequence number it carries. */
function message(key: string, seq: number): OutgoingMessage {
  return { key, value: encoder.encode(`${key}#${seq}`) };
}

function messages(key: string, from: number, to: number): OutgoingMessage[] {
  return Array.from({ length: to - from }, (_, i) => message(key, from + i));
}

/** Handled messages as `key#seq`, grouped by key, in delivery order. */
function sequencesByKey(batches: DeliveredBatch[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const batch of batches) {
    for (const m of batch.messages) {
      const [key, seq] = decoder.decode(m.value).split('#');
      assert.equal(m.key, key);
      byKey.set(key, [...(byKey.get(key) ?? []), Number(seq)]);
    }
  }
  return byKey;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Registers the suite for one implementation, in the style of hono's shared router tests:
 * `runBusContract('memory', () => createMemoryBus(...))`. Every test uses fresh topics and groups.
 */
export function runBusContract(name: string, makeBus: MakeBus): void {
  describe(`bus contract: ${name}`, () => {
    let bus: Bus;
    let topic: string;
    let groupId: string;

    beforeEach(async () => {
      bus = await makeBus(OPTIONS);
      topic = uniqueName('bus-contract');
      groupId = uniqueName('group');
    });
    afterEach(async () => {
      await bus.close();
    });

    it('delivers every message exactly once, in order per key, each key on one partition', async () => {
      const keys = range(0, 8).map((i) => `site-${i}`);
      const handled: DeliveredBatch[] = [];
      // Half before the consumer exists (a new group starts at the beginning), half after.
      for (const key of keys) await bus.publish(topic, messages(key, 0, 15));
      const subscription = await bus.subscribe({ topic, groupId }, async (batch) => {
        handled.push(batch);
      });
      for (let from = 15; from < 30; from += 5) {
        for (const key of keys) await bus.publish(topic, messages(key, from, from + 5));
      }
      await subscription.drain();

      const byKey = sequencesByKey(handled);
      for (const key of keys) assert.deepEqual(byKey.get(key), range(0, 30), `order and count of ${key}`);

      const partitionsOfKey = new Map<string, Set<number>>();
      const lastOffset = new Map<number, bigint>();
      for (const batch of handled) {
        assert.equal(batch.topic, topic);
        for (const m of batch.messages) {
          assert.equal(m.partition, batch.partition);
          partitionsOfKey.set(m.key, (partitionsOfKey.get(m.key) ?? new Set()).add(m.partition));
          const offset = BigInt(m.offset);
          assert.ok(offset > (lastOffset.get(m.partition) ?? -1n), 'offsets grow within a partition');
          lastOffset.set(m.partition, offset);
        }
      }
      for (const [key, partitions] of partitionsOfKey)
        assert.equal(partitions.size, 1, `${key} stays on one partition`);
      const used = new Set([...partitionsOfKey.values()].flatMap((p) => [...p]));
      assert.ok(used.size > 1, 'keys spread over partitions');
      assert.ok([...used].every((p) => p >= 0 && p < OPTIONS.numPartitions));
    });

    it('calls onAssigned with the partitions before handing over any batch', async () => {
      const events: string[] = [];
      const assigned: number[][] = [];
      await bus.publish(topic, messages('site-a', 0, 3));
      const subscription = await bus.subscribe(
        {
          topic,
          groupId,
          onAssigned: async (partitions) => {
            // A slow rebuild must still finish before the first batch arrives.
            await sleep(200);
            assigned.push(partitions);
            events.push('assigned');
          },
        },
        async () => {
          events.push('batch');
        },
      );
      await subscription.drain();
      assert.deepEqual(assigned.at(-1), range(0, OPTIONS.numPartitions));
      assert.equal(events[0], 'assigned');
      assert.ok(events.includes('batch'));
    });

    it('redelivers a batch whose handler threw; after success nothing is lost or doubled', async () => {
      const attempts: DeliveredBatch[] = [];
      const handled: DeliveredBatch[] = [];
      await bus.publish(topic, messages('site-a', 0, 10));
      await bus.publish(topic, messages('site-b', 0, 10));
      const subscription = await bus.subscribe({ topic, groupId }, async (batch) => {
        attempts.push(batch);
        if (attempts.length === 1) throw new Error('sink unavailable (injected)');
        handled.push(batch);
      });
      await bus.publish(topic, messages('site-a', 10, 20));
      await subscription.drain();

      const failed = attempts[0];
      const retried = handled.find((b) => b.partition === failed.partition);
      assert.ok(retried, 'the failed partition was delivered again');
      assert.equal(retried.messages[0].offset, failed.messages[0].offset, 'redelivery starts at the failed batch');
      const byKey = sequencesByKey(handled);
      assert.deepEqual(byKey.get('site-a'), range(0, 20));
      assert.deepEqual(byKey.get('site-b'), range(0, 10));
    });

    it('backs off exponentially while a handler keeps failing, then delivers everything once', async () => {
      const attemptsAt: number[] = [];
      const handled: DeliveredBatch[] = [];
      await bus.publish(topic, messages('site-a', 0, 10));
      const subscription = await bus.subscribe({ topic, groupId }, async (batch) => {
        attemptsAt.push(performance.now());
        // A store that is down for the first four attempts.
        if (attemptsAt.length <= 4) throw new Error('store unavailable (injected)');
        handled.push(batch);
      });
      await subscription.drain();
      const gaps = attemptsAt.slice(1, 5).map((t, i) => t - attemptsAt[i]);
      // Lower bounds only (a pause never ends early): a fixed 100 ms pause could not reach them.
      assert.ok(
        gaps[2] >= OPTIONS.retryBackoffMaxMs * 0.9 && gaps[3] >= OPTIONS.retryBackoffMaxMs * 0.9,
        `pauses grew to the cap: ${gaps.map(Math.round).join(', ')} ms`,
      );
      assert.deepEqual(sequencesByKey(handled).get('site-a'), range(0, 10));
    });

    it('commits only after the handler: a new consumer resumes after the last successful batch', async () => {
      const first: DeliveredBatch[] = [];
      let failing = false;
      let failures = 0;
      const consumerA = await bus.subscribe({ topic, groupId }, async (batch) => {
        if (failing) {
          failures += 1;
          throw new Error('crash before the sink had the data (injected)');
        }
        first.push(batch);
      });
      await bus.publish(topic, messages('site-a', 0, 10));
      await consumerA.drain();
      failing = true;
      await bus.publish(topic, messages('site-a', 10, 20));
      await waitFor(() => failures > 0, 'the failing handler to be called');
      await consumerA.stop();

      const second: DeliveredBatch[] = [];
      const consumerB = await bus.subscribe({ topic, groupId }, async (batch) => {
        second.push(batch);
      });
      await consumerB.drain();
      assert.deepEqual(sequencesByKey(first).get('site-a'), range(0, 10));
      assert.deepEqual(
        sequencesByKey(second).get('site-a'),
        range(10, 20),
        'continues exactly where the commits stopped',
      );
    });

    it('finishes and commits the batch in hand when stopped mid-handler', async () => {
      let entered: () => void = () => undefined;
      let release: () => void = () => undefined;
      const inHandler = new Promise<void>((resolve) => (entered = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const before: DeliveredBatch[] = [];
      const consumer = await bus.subscribe({ topic, groupId }, async (batch) => {
        before.push(batch);
        entered();
        await released;
      });
      await bus.publish(topic, messages('site-a', 0, 5));
      await inHandler;
      const stopped = consumer.stop();
      await sleep(100);
      release();
      await stopped;

      const after: DeliveredBatch[] = [];
      const next = await bus.subscribe({ topic, groupId }, async (batch) => {
        after.push(batch);
      });
      await bus.publish(topic, messages('site-a', 5, 8));
      await next.drain();
      const handledBefore = sequencesByKey(before).get('site-a') ?? [];
      assert.ok(handledBefore.length > 0);
      assert.deepEqual([...handledBefore, ...(sequencesByKey(after).get('site-a') ?? [])], range(0, 8));
    });

    it('keeps separate offsets per consumer group', async () => {
      const seen = new Map<string, DeliveredBatch[]>();
      await bus.publish(topic, messages('site-a', 0, 5));
      const groups = [groupId, uniqueName('group')];
      const subscriptions = await Promise.all(
        groups.map((group) =>
          bus.subscribe({ topic, groupId: group }, async (batch) => {
            seen.set(group, [...(seen.get(group) ?? []), batch]);
          }),
        ),
      );
      await Promise.all(subscriptions.map((s) => s.drain()));
      for (const group of groups) assert.deepEqual(sequencesByKey(seen.get(group) ?? []).get('site-a'), range(0, 5));
    });

    it('drain() resolves only once everything published before it is handled', async () => {
      let handledCount = 0;
      const subscription = await bus.subscribe({ topic, groupId }, async (batch) => {
        // Slow enough that the drain has to wait for several batches.
        await sleep(30);
        handledCount += batch.messages.length;
      });
      await subscription.drain();
      for (let i = 0; i < 5; i++)
        await bus.publish(
          topic,
          range(0, 4).flatMap((s) => messages(`site-${s}`, i * 10, i * 10 + 10)),
        );
      await subscription.drain();
      assert.equal(handledCount, 200);
    });
  });
}
