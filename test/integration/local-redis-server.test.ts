// The private redis-server's stop: nothing of it keeps this process alive afterwards, so every
// embedded `revisit` command (serve, forget, report…) exits as soon as it is done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRedis } from '../../common/redis/local-redis-server.ts';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('after stop() no timer of the server is left waiting out its grace period', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-local-redis-'));
  try {
    const before = timers();
    const redis = await startLocalRedis({ dir, appendOnly: true });
    await redis.stop();
    assert.ok(timers() <= before, `${timers() - before} timer(s) left running after stop`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
