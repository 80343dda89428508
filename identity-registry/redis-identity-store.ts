/** IdentityStore on Redis: one hash per identity with its sealed centroid, a per-site index by last sighting. */
import { Redis } from 'ioredis';
import type { CentroidCipher } from './centroid-cipher.ts';
import type { Identity, ProcessedObservation } from './identity.ts';
import type { IdentityStore } from './identity-store.ts';

/** How long a handled observation id is remembered: far longer than any redelivery takes. */
const PROCESSED_TTL_SECONDS = 7 * 24 * 3600;

export interface RedisIdentityStoreOptions {
  url: string;
  cipher: CentroidCipher;
  /** Prefix of every key, so tests and tenants can share a server. */
  keyPrefix?: string;
}

export class RedisIdentityStore implements IdentityStore {
  private readonly redis: Redis;
  private readonly cipher: CentroidCipher;
  private readonly prefix: string;

  constructor(options: RedisIdentityStoreOptions) {
    this.redis = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.cipher = options.cipher;
    this.prefix = options.keyPrefix ?? 'rv';
  }

  // The {site} hash tag keeps a site's keys on one Redis Cluster slot, so MULTI works there too.
  private siteKey(siteId: string, suffix: string): string {
    return `${this.prefix}:{${siteId}}:${suffix}`;
  }

  private context(siteId: string, identityId: string): string {
    return `${siteId}/${identityId}`;
  }

  async loadSite(siteId: string): Promise<Identity[]> {
    const ids = await this.redis.zrange(this.siteKey(siteId, 'ids'), '0', '-1');
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetallBuffer(this.siteKey(siteId, `id:${id}`));
    const results = (await pipeline.exec()) ?? [];
    const identities: Identity[] = [];
    results.forEach(([err, raw], i) => {
      if (err) throw err;
      const h = raw as Record<string, Buffer>;
      if (!h.c) return; // removed between the two reads
      identities.push({
        siteId,
        identityId: ids[i],
        centroid: this.cipher.open(h.c, this.context(siteId, ids[i])),
        weight: Number(h.w),
        sightings: Number(h.n),
        firstSeenMs: Number(h.f),
        lastSeenMs: Number(h.l),
      });
    });
    return identities;
  }

  async save(siteId: string, identities: Identity[], processed: ProcessedObservation[]): Promise<void> {
    const tx = this.redis.multi();
    for (const it of identities) {
      tx.hset(this.siteKey(siteId, `id:${it.identityId}`), {
        c: this.cipher.seal(it.centroid, this.context(siteId, it.identityId)),
        k: this.cipher.keyId,
        w: String(it.weight),
        n: String(it.sightings),
        f: String(it.firstSeenMs),
        l: String(it.lastSeenMs),
      });
      tx.zadd(this.siteKey(siteId, 'ids'), it.lastSeenMs, it.identityId);
    }
    for (const p of processed) {
      const value = JSON.stringify({ i: p.identityId, s: p.similarity, n: p.isNewIdentity });
      tx.set(this.siteKey(siteId, `obs:${p.observationId}`), value, 'EX', PROCESSED_TTL_SECONDS);
    }
    const results = await tx.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  async findProcessed(siteId: string, observationIds: string[]): Promise<Array<ProcessedObservation | null>> {
    if (observationIds.length === 0) return [];
    const values = await this.redis.mget(observationIds.map((id) => this.siteKey(siteId, `obs:${id}`)));
    return values.map((v, i) => {
      if (v === null) return null;
      const { i: identityId, s: similarity, n: isNewIdentity } = JSON.parse(v) as { i: string; s: number; n: boolean };
      return { observationId: observationIds[i], identityId, similarity, isNewIdentity };
    });
  }

  async countIdentities(siteId: string): Promise<number> {
    return this.redis.zcard(this.siteKey(siteId, 'ids'));
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
