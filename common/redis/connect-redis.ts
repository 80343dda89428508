/** The Redis client the shared stores use, and a ping that names why Redis did not answer. */
import { Redis } from 'ioredis';

/** The last connection failure of each client, for the next failing command's message. */
const lastFailure = new WeakMap<Redis, Error>();

/**
 * A client whose commands fail after 3 reconnect attempts instead of queueing forever. Without an
 * error listener ioredis prints every failed reconnect as an "Unhandled error event"; the cause is
 * kept instead, and `pingRedis` reports it.
 */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  redis.on('error', (err: Error) => lastFailure.set(redis, err));
  redis.on('ready', () => lastFailure.delete(redis));
  return redis;
}

/** Resolves when Redis answers; else rejects with the connection's cause ("connect ECONNREFUSED …"), not ioredis's retry count. */
export async function pingRedis(redis: Redis): Promise<void> {
  try {
    await redis.ping();
  } catch (err) {
    const cause = lastFailure.get(redis);
    throw new Error(cause ? `${cause.message} (after 3 attempts)` : (err as Error).message, { cause: err });
  }
}
