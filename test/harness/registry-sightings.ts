/** Reads the registry's raw records: how many observations each site's identities have folded in. */
import type { Redis } from 'ioredis';
import { unpackIdentityRecord } from '../../identity-registry/identity-record.ts';

/** Sum of the sightings counters of every identity of the site, straight from Redis. */
export async function foldedSightings(redis: Redis, keyPrefix: string, siteId: string): Promise<number> {
  let folded = 0;
  for (const id of await redis.zrange(`${keyPrefix}:{${siteId}}:ids`, '0', '-1')) {
    const record = await redis.getBuffer(`${keyPrefix}:{${siteId}}:rec:${id}`);
    if (record) folded += unpackIdentityRecord(record).sightings;
  }
  return folded;
}
