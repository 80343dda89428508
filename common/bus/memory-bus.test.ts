/** Runs the shared bus contract against the in-process bus. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBusContract } from '../../test/contracts/bus-contract.ts';
import { createMemoryBus } from './memory-bus.ts';

runBusContract('memory', ({ numPartitions, retryBackoffMs, retryBackoffMaxMs }) =>
  createMemoryBus({ numPartitions, retryBackoffMs, retryBackoffMaxMs }),
);

test('memory bus: retention drops the oldest messages; a late consumer starts at the oldest kept', async () => {
  const bus = createMemoryBus({ numPartitions: 1, retainPerPartition: 3 });
  await bus.publish(
    't',
    Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: Uint8Array.of(i) })),
  );
  const seen: Array<[string, number]> = [];
  const sub = await bus.subscribe({ topic: 't', groupId: 'g' }, async (batch) => {
    for (const m of batch.messages) seen.push([m.offset, m.value[0]]);
  });
  await sub.drain();
  assert.deepEqual(seen, [
    ['7', 7],
    ['8', 8],
    ['9', 9],
  ]);
  await bus.close();
});
