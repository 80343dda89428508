/** IdentityStore on Redis: one hash per identity with its sealed centroid, a per-site index by last sighting. */
import { Redis } from 'ioredis';
import { UnknownKeyError, type CentroidCipher } from './centroid-cipher.ts';
import type { ExclusionTemplate, Identity, ProcessedObservation } from './identity.ts';
import type { IdentityStore } from './identity-store.ts';

/** How long a handled observation id is remembered: far longer than any redelivery takes. */
const PROCESSED_TTL_MS = 7 * 24 * 3600_000;

export interface RedisIdentityStoreOptions {
  url: string;
  cipher: CentroidCipher;
  /** Prefix of every key, so tests and tenants can share a server. */
  keyPrefix?: string;
  /**
   * The site's retention: identity keys expire this long after their last save (refreshed on
   * every sighting), so an identity nobody sweeps still disappears. Unset: no TTL.
   */
  retentionMsOf?: (siteId: string) => number;
}

export class RedisIdentityStore implements IdentityStore {
  private readonly redis: Redis;
  private readonly cipher: CentroidCipher;
  private readonly prefix: string;
  private readonly retentionMsOf?: (siteId: string) => number;

  constructor(options: RedisIdentityStoreOptions) {
    this.redis = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.cipher = options.cipher;
    this.prefix = options.keyPrefix ?? 'rv';
    this.retentionMsOf = options.retentionMsOf;
  }

  // The {site} hash tag keeps a site's keys on one Redis Cluster slot, so MULTI works there too.
  private siteKey(siteId: string, suffix: string): string {
    return `${this.prefix}:{${siteId}}:${suffix}`;
  }

  private context(siteId: string, identityId: string): string {
    return `${siteId}/${identityId}`;
  }

  private templateContext(siteId: string, templateId: string): string {
    return `${siteId}/template/${templateId}`;
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
      if (!h.c) return; // removed between the two reads, or expired by its TTL
      const centroid = this.openOrShredded(h.c, siteId, this.context(siteId, ids[i]));
      if (!centroid) return;
      identities.push({
        siteId,
        identityId: ids[i],
        centroid,
        weight: Number(h.w),
        sightings: Number(h.n),
        firstSeenMs: Number(h.f),
        lastSeenMs: Number(h.l),
      });
    });
    return identities;
  }

  async save(siteId: string, identities: Identity[], processed: ProcessedObservation[]): Promise<void> {
    const retentionMs = this.retentionMsOf?.(siteId);
    const tx = this.redis.multi();
    for (const it of identities) {
      const key = this.siteKey(siteId, `id:${it.identityId}`);
      tx.hset(key, {
        c: this.cipher.seal(it.centroid, siteId, this.context(siteId, it.identityId)),
        k: this.cipher.keyId,
        w: String(it.weight),
        n: String(it.sightings),
        f: String(it.firstSeenMs),
        l: String(it.lastSeenMs),
      });
      if (retentionMs) tx.pexpire(key, retentionMs);
      tx.zadd(this.siteKey(siteId, 'ids'), it.lastSeenMs, it.identityId);
    }
    if (retentionMs && identities.length > 0) tx.pexpire(this.siteKey(siteId, 'ids'), retentionMs);
    // A marker links an observation to an identity: it never outlives the identity's retention.
    const markerTtlMs = Math.min(PROCESSED_TTL_MS, retentionMs ?? PROCESSED_TTL_MS);
    for (const p of processed) {
      const value = JSON.stringify({ i: p.identityId, s: p.similarity, n: p.isNewIdentity, ...(p.label ? { b: p.label } : {}) });
      tx.set(this.siteKey(siteId, `obs:${p.observationId}`), value, 'PX', markerTtlMs);
    }
    await this.exec(tx);
  }

  async findProcessed(siteId: string, observationIds: string[]): Promise<Array<ProcessedObservation | null>> {
    if (observationIds.length === 0) return [];
    const values = await this.redis.mget(observationIds.map((id) => this.siteKey(siteId, `obs:${id}`)));
    return values.map((v, i) => {
      if (v === null) return null;
      const { i: identityId, s: similarity, n: isNewIdentity, b: label } = JSON.parse(v) as { i: string; s: number; n: boolean; b?: string };
      return { observationId: observationIds[i], identityId, similarity, isNewIdentity, ...(label ? { label } : {}) };
    });
  }

  async countIdentities(siteId: string): Promise<number> {
    return this.redis.zcard(this.siteKey(siteId, 'ids'));
  }

  async removeIdentities(siteId: string, identityIds: string[], observationIds: string[] = []): Promise<number> {
    if (identityIds.length === 0 && observationIds.length === 0) return 0;
    const tx = this.redis.multi();
    for (const id of identityIds) tx.del(this.siteKey(siteId, `id:${id}`));
    if (identityIds.length > 0) tx.zrem(this.siteKey(siteId, 'ids'), ...identityIds);
    for (const id of observationIds) tx.del(this.siteKey(siteId, `obs:${id}`));
    tx.incr(this.siteKey(siteId, 'gen'));
    const results = await this.exec(tx);
    return identityIds.reduce((n, _, i) => n + Number(results[i][1]), 0);
  }

  async expireIdentities(siteId: string, unseenBeforeMs: number): Promise<string[]> {
    // Exclusive bound: an identity last seen exactly at the cutoff is still within retention.
    const ids = await this.redis.zrangebyscore(this.siteKey(siteId, 'ids'), '-inf', `(${unseenBeforeMs}`);
    if (ids.length > 0) await this.removeIdentities(siteId, ids);
    return ids;
  }

  async siteGeneration(siteId: string): Promise<number> {
    return Number((await this.redis.get(this.siteKey(siteId, 'gen'))) ?? 0);
  }

  async saveTemplate(t: ExclusionTemplate): Promise<void> {
    const tx = this.redis.multi();
    tx.hset(this.siteKey(t.siteId, `tpl:${t.templateId}`), {
      c: this.cipher.seal(t.embedding, t.siteId, this.templateContext(t.siteId, t.templateId)),
      k: this.cipher.keyId,
      b: t.label,
      n: String(t.images),
      t: String(t.enrolledMs),
    });
    tx.sadd(this.siteKey(t.siteId, 'tpls'), t.templateId);
    tx.incr(this.siteKey(t.siteId, 'gen'));
    await this.exec(tx);
  }

  async loadTemplates(siteId: string): Promise<ExclusionTemplate[]> {
    const ids = (await this.redis.smembers(this.siteKey(siteId, 'tpls'))).sort();
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetallBuffer(this.siteKey(siteId, `tpl:${id}`));
    const results = (await pipeline.exec()) ?? [];
    return results.flatMap(([err, raw], i): ExclusionTemplate[] => {
      if (err) throw err;
      const h = raw as Record<string, Buffer>;
      if (!h.c) return [];
      const embedding = this.openOrShredded(h.c, siteId, this.templateContext(siteId, ids[i]));
      if (!embedding) return [];
      return [{ siteId, templateId: ids[i], label: h.b.toString('utf8'), embedding, images: Number(h.n), enrolledMs: Number(h.t) }];
    });
  }

  async removeTemplate(siteId: string, templateId: string): Promise<boolean> {
    const tx = this.redis.multi();
    tx.del(this.siteKey(siteId, `tpl:${templateId}`));
    tx.srem(this.siteKey(siteId, 'tpls'), templateId);
    tx.incr(this.siteKey(siteId, 'gen'));
    const [[, deleted]] = await this.exec(tx);
    return Number(deleted) > 0;
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }

  /** A blob under a key id the configuration no longer holds was crypto-shredded: it is treated as gone. */
  private openOrShredded(blob: Buffer, siteId: string, context: string): Float32Array | null {
    try {
      return this.cipher.open(blob, siteId, context);
    } catch (err) {
      if (err instanceof UnknownKeyError) return null;
      throw err;
    }
  }

  private async exec(tx: ReturnType<Redis['multi']>): Promise<Array<[Error | null, unknown]>> {
    const results = (await tx.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
    return results;
  }
}
