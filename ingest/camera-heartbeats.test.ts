/** A camera worker's heartbeats: one per interval with the frames analysed in it, a last one on stop, nothing lost between. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryBus } from '../common/bus/memory-bus.ts';
import { loadConfig } from '../common/config.ts';
import { decodeCameraHeartbeat, messageLimits, type CameraHeartbeat } from '../schemas/index.ts';
import { CameraHeartbeats } from './camera-heartbeats.ts';

test('each beat covers the time since the last one with the frames counted in it; stop sends the rest', async () => {
  const config = loadConfig({ sites: [{ id: 'shop', name: 'Shop', timezone: 'UTC' }] }, {});
  let nowMs = Date.parse('2026-03-02T10:00:00Z');
  const limits = messageLimits(config, () => nowMs);
  const bus = createMemoryBus({ numPartitions: 1 });
  const received: CameraHeartbeat[] = [];
  const sub = await bus.subscribe({ topic: 'beats', groupId: 'test' }, async (batch) => {
    for (const m of batch.messages) received.push(decodeCameraHeartbeat(m.value, limits));
  });
  const beats = new CameraHeartbeats(bus, 'beats', limits, {
    siteId: 'shop',
    cameraId: 'door',
    everyMs: 60_000,
    now: () => nowMs,
  });
  const start = nowMs;
  for (let i = 0; i < 300; i++) beats.countFrame();
  nowMs += 60_000;
  await beats.beat();
  nowMs += 20_000;
  beats.countFrame();
  await beats.stop();
  await sub.drain();
  assert.deepEqual(
    received.map((h) => [h.siteId, h.cameraId, h.tStartMs - start, h.tEndMs - start, h.framesAnalysed]),
    [
      ['shop', 'door', 0, 60_000, 300],
      ['shop', 'door', 60_000, 80_000, 1],
    ],
  );
  await sub.stop();
  await bus.close();
});

test('a heartbeat the bus refuses is skipped, and the next one still goes out', async () => {
  const config = loadConfig({ sites: [{ id: 'shop', name: 'Shop', timezone: 'UTC' }] }, {});
  const sent: number[] = [];
  let fail = true;
  const bus = {
    publish: async (_topic: string, messages: Array<{ value: Uint8Array }>) => {
      if (fail) throw new Error('broker down');
      sent.push(messages.length);
    },
  };
  const beats = new CameraHeartbeats(bus as never, 'beats', messageLimits(config), {
    siteId: 'shop',
    cameraId: 'door',
    everyMs: 60_000,
  });
  await beats.beat();
  fail = false;
  await beats.beat();
  assert.deepEqual(sent, [1]);
});
