/** Erasure's sweep of a site's observation markers and merge aliases: every one that names an erased identity goes. */
import type { Redis } from 'ioredis';

/** Keys read per SCAN and MGET round: bounded memory and bounded time between other clients' commands. */
const SCAN_COUNT = 1000;

async function* scanKeys(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    cursor = next;
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}

/**
 * Markers are not indexed by identity (one per observation, kept for the redelivery window), so
 * erasure scans the site's: a marker names its identity, or one merged into it (`merged:<from>`
 * aliases, followed here). Deletes the markers and aliases that lead to `identityIds`; returns
 * how many keys went. `sitePrefix` is the site's key prefix (`rv:{site}:`).
 */
export async function removeMarkersNaming(redis: Redis, sitePrefix: string, identityIds: string[]): Promise<number> {
  if (identityIds.length === 0) return 0;
  const erased = new Set(identityIds);
  // Aliases first: an identity merged into an erased one is erased too, and so are its markers.
  const aliases = new Map<string, string>();
  for await (const keys of scanKeys(redis, `${sitePrefix}merged:*`)) {
    const targets = await redis.mget(keys);
    keys.forEach((key, i) => targets[i] !== null && aliases.set(key.slice(`${sitePrefix}merged:`.length), targets[i]!));
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const [from, to] of aliases) {
      if (erased.has(to) && !erased.has(from)) {
        erased.add(from);
        grew = true;
      }
    }
  }
  const doomed = [...aliases.keys()].filter((from) => erased.has(from)).map((from) => `${sitePrefix}merged:${from}`);
  for await (const keys of scanKeys(redis, `${sitePrefix}obs:*`)) {
    const values = await redis.mget(keys);
    keys.forEach((key, i) => {
      const identity = values[i] === null ? undefined : (JSON.parse(values[i]!) as { i?: string }).i;
      if (identity !== undefined && erased.has(identity)) doomed.push(key);
    });
  }
  let removed = 0;
  for (let i = 0; i < doomed.length; i += SCAN_COUNT) removed += await redis.del(...doomed.slice(i, i + SCAN_COUNT));
  return removed;
}
