/** Reads a whole site's identities from Redis in bulk, as packed codes, migrating records of the old hash layout on the way. */
import type { Redis } from 'ioredis';
import { centroidCodeBytes, centroidDimOf } from './centroid-code.ts';
import { UnknownKeyError, type CentroidCipher } from './centroid-cipher.ts';
import type { IdentitySnapshot } from './identity.ts';
import { packIdentityRecord, unpackIdentityRecord, type IdentityCounters } from './identity-record.ts';

/** Keys per MGET: large enough to amortise round trips, small enough to keep replies ~0.5 MB. */
const KEYS_PER_READ = 1000;

/** Where a site's keys live and how long an identity key lives (the store's naming). */
export interface SiteKeys {
  ids: string;
  record(identityId: string): string;
  /** The hash each identity had before records (v2 blobs, six fields). */
  legacyHash(identityId: string): string;
  context(identityId: string): string;
  retentionMs?: number;
}

interface Loaded extends IdentityCounters {
  identityId: string;
  code: Uint8Array;
}

/**
 * ZRANGE for the ids, MGET of the records in chunks, one decryption each. An id without a record
 * but with a legacy hash is read from the hash and rewritten as a record (same TTL rule as a
 * save), so a site is migrated the first time a worker loads it. Identities sealed under a key
 * no longer configured were crypto-shredded: they are skipped.
 */
export async function readIdentitySnapshot(
  redis: Redis,
  cipher: CentroidCipher,
  siteId: string,
  keys: SiteKeys,
): Promise<IdentitySnapshot> {
  const ids = await redis.zrange(keys.ids, '0', '-1');
  const loaded: Loaded[] = [];
  for (let at = 0; at < ids.length; at += KEYS_PER_READ) {
    const chunk = ids.slice(at, at + KEYS_PER_READ);
    const records = await redis.mgetBuffer(...chunk.map((id) => keys.record(id)));
    const legacy: string[] = [];
    records.forEach((record, i) => {
      if (record === null) return legacy.push(chunk[i]);
      const { sealedCentroid, ...counters } = unpackIdentityRecord(record);
      const code = openOrShredded(() => cipher.openCode(sealedCentroid, siteId, keys.context(chunk[i])));
      if (code) loaded.push({ identityId: chunk[i], code, ...counters });
    });
    if (legacy.length > 0) loaded.push(...(await migrateLegacy(redis, cipher, siteId, keys, legacy)));
  }
  return packSnapshot(siteId, loaded);
}

async function migrateLegacy(
  redis: Redis,
  cipher: CentroidCipher,
  siteId: string,
  keys: SiteKeys,
  ids: string[],
): Promise<Loaded[]> {
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hgetallBuffer(keys.legacyHash(id));
  const hashes = (await pipeline.exec()) ?? [];
  const out: Loaded[] = [];
  const tx = redis.multi();
  hashes.forEach(([err, raw], i) => {
    if (err) throw err;
    const h = raw as Record<string, Buffer>;
    if (!h.c) return; // removed between the two reads, or expired by its TTL
    const code = openOrShredded(() => cipher.openCode(h.c, siteId, keys.context(ids[i])));
    if (!code) return;
    const loaded = {
      identityId: ids[i],
      code,
      weight: Number(h.w),
      sightings: Number(h.n),
      firstSeenMs: Number(h.f),
      lastSeenMs: Number(h.l),
    };
    out.push(loaded);
    const record = packIdentityRecord(loaded, cipher.sealCode(code, siteId, keys.context(ids[i])));
    if (keys.retentionMs) tx.set(keys.record(ids[i]), record, 'PX', keys.retentionMs);
    else tx.set(keys.record(ids[i]), record);
    tx.del(keys.legacyHash(ids[i]));
  });
  if (out.length > 0) await tx.exec();
  else tx.discard();
  return out;
}

function packSnapshot(siteId: string, loaded: Loaded[]): IdentitySnapshot {
  const dim = loaded.length === 0 ? 0 : centroidDimOf(loaded[0].code.length);
  const codeBytes = centroidCodeBytes(dim);
  const codes = new Uint8Array(loaded.length * codeBytes);
  const snapshot: IdentitySnapshot = {
    siteId,
    dim,
    identityIds: loaded.map((l) => l.identityId),
    codes,
    weight: new Float64Array(loaded.length),
    sightings: new Float64Array(loaded.length),
    firstSeenMs: new Float64Array(loaded.length),
    lastSeenMs: new Float64Array(loaded.length),
  };
  loaded.forEach((l, i) => {
    if (l.code.length !== codeBytes)
      throw new Error(
        `identity ${l.identityId} of site ${siteId} has a ${centroidDimOf(l.code.length)}-d centroid, others ${dim}-d`,
      );
    codes.set(l.code, i * codeBytes);
    snapshot.weight[i] = l.weight;
    snapshot.sightings[i] = l.sightings;
    snapshot.firstSeenMs[i] = l.firstSeenMs;
    snapshot.lastSeenMs[i] = l.lastSeenMs;
  });
  return snapshot;
}

/** A blob under a key id the configuration no longer holds was crypto-shredded: it is treated as gone. */
export function openOrShredded<T>(open: () => T): T | null {
  try {
    return open();
  } catch (err) {
    if (err instanceof UnknownKeyError) return null;
    throw err;
  }
}
