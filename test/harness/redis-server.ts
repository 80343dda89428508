/** A real redis-server on a random port with its own temp dir, removed when the test is done. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRedis, type LocalRedisServer } from '../../common/redis/local-redis-server.ts';

export type RedisServer = LocalRedisServer;

export interface RedisServerOptions {
  /** Append-only file with fsync on every write, so data survives a crash-restart. */
  appendOnly?: boolean;
}

export function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-redis-'));
  return startLocalRedis({
    dir,
    appendOnly: options.appendOnly,
    fsyncAlways: options.appendOnly,
    removeDirOnStop: true,
  });
}
