/** IdentityStore on Redis: one record per identity with its sealed centroid code, a per-site index by last sighting. */
import type { Redis } from 'ioredis';
import { connectRedis, pingRedis } from '../common/redis/connect-redis.ts';
import { centroidCodeBytes, decodeCentroid, encodeCentroid } from './centroid-code.ts';
import type { CentroidCipher } from './centroid-cipher.ts';
import type {
  ExclusionTemplate,
  Identity,
  IdentityMerge,
  IdentitySnapshot,
  IdentitySplit,
  ProcessedObservation,
  RegistryRepairs,
} from './identity.ts';
import { packIdentityRecord } from './identity-record.ts';
import type { IdentityStore } from './identity-store.ts';
import { rewriteRedisPersistence, type DiskPurge } from './rewrite-redis-persistence.ts';
import { openOrShredded, readIdentitySnapshot, type SiteKeys } from './read-identity-snapshot.ts';
import { removeMarkersNaming } from './remove-markers.ts';

/** How long a handled observation id is remembered: far longer than any redelivery takes. */
const PROCESSED_TTL_MS = 7 * 24 * 3600_000;
/** Merges of merges (A → B, later B → C) are followed this far; real chains are a few links. */
const MAX_MERGE_HOPS = 32;

export interface RedisIdentityStoreOptions {
  /** A redis:// URL or an absolute Unix socket path. */
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
    this.redis = connectRedis(options.url);
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

  private keysOf(siteId: string): SiteKeys {
    return {
      ids: this.siteKey(siteId, 'ids'),
      record: (id) => this.siteKey(siteId, `rec:${id}`),
      legacyHash: (id) => this.siteKey(siteId, `id:${id}`),
      context: (id) => this.context(siteId, id),
      retentionMs: this.retentionMsOf?.(siteId),
    };
  }

  async loadSnapshot(siteId: string): Promise<IdentitySnapshot> {
    return readIdentitySnapshot(this.redis, this.cipher, siteId, this.keysOf(siteId));
  }

  async loadSite(siteId: string): Promise<Identity[]> {
    const snapshot = await this.loadSnapshot(siteId);
    const codeBytes = centroidCodeBytes(snapshot.dim);
    return snapshot.identityIds.map((identityId, i) => ({
      siteId,
      identityId,
      centroid: decodeCentroid(snapshot.codes, snapshot.dim, i * codeBytes),
      weight: snapshot.weight[i],
      sightings: snapshot.sightings[i],
      firstSeenMs: snapshot.firstSeenMs[i],
      lastSeenMs: snapshot.lastSeenMs[i],
    }));
  }

  async save(
    siteId: string,
    identities: Identity[],
    processed: ProcessedObservation[],
    repairs: RegistryRepairs = {},
  ): Promise<void> {
    const retentionMs = this.retentionMsOf?.(siteId);
    const tx = this.redis.multi();
    this.writeIdentities(tx, siteId, identities, retentionMs);
    for (const p of processed) {
      const value = JSON.stringify({
        i: p.identityId,
        s: p.similarity,
        n: p.isNewIdentity,
        ...(p.label ? { b: p.label } : {}),
      });
      tx.set(this.siteKey(siteId, `obs:${p.observationId}`), value, 'PX', markerTtlMs(retentionMs));
    }
    for (const [a, b] of repairs.cannotLinks ?? []) this.writeCannotLink(tx, siteId, a, b, retentionMs);
    const inBatch = new Set(processed.map((p) => p.observationId));
    for (const split of repairs.splits ?? []) {
      this.writeCannotLink(tx, siteId, split.from, split.to, retentionMs);
      // Older markers of the moved sightings answer with their new identity (this batch's are already right).
      for (const id of split.observationIds.filter((o) => !inBatch.has(o))) {
        tx.set(
          this.siteKey(siteId, `obs:${id}`),
          JSON.stringify({ i: split.to, s: split.similarity, n: false }),
          'PX',
          markerTtlMs(retentionMs),
        );
      }
      tx.hset(this.siteKey(siteId, 'splits'), splitKey(split), JSON.stringify(split));
    }
    await this.exec(tx);
  }

  async loadCannotLinks(siteId: string): Promise<Array<[string, string]>> {
    const ids = await this.redis.smembers(this.siteKey(siteId, 'cls'));
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.smembers(this.siteKey(siteId, `cl:${id}`));
    const results = (await pipeline.exec()) ?? [];
    const pairs = new Map<string, [string, string]>();
    results.forEach(([err, others], i) => {
      if (err) throw err;
      for (const o of others as string[]) {
        const pair: [string, string] = ids[i] < o ? [ids[i], o] : [o, ids[i]];
        pairs.set(pair.join('\u0000'), pair);
      }
    });
    return [...pairs.values()];
  }

  async pendingSplits(siteId: string): Promise<IdentitySplit[]> {
    const raw = await this.redis.hvals(this.siteKey(siteId, 'splits'));
    return raw
      .map((v) => JSON.parse(v) as IdentitySplit)
      .sort((x, y) => x.splitAtMs - y.splitAtMs || (splitKey(x) < splitKey(y) ? -1 : 1));
  }

  async completeSplits(siteId: string, splits: IdentitySplit[]): Promise<void> {
    if (splits.length > 0) await this.redis.hdel(this.siteKey(siteId, 'splits'), ...splits.map(splitKey));
  }

  async applyMerges(siteId: string, survivors: Identity[], merges: IdentityMerge[]): Promise<void> {
    if (merges.length === 0) return;
    const retentionMs = this.retentionMsOf?.(siteId);
    const tx = this.redis.multi();
    this.writeIdentities(tx, siteId, survivors, retentionMs);
    for (const m of merges) {
      tx.del(this.siteKey(siteId, `rec:${m.from}`), this.siteKey(siteId, `id:${m.from}`));
      tx.zrem(this.siteKey(siteId, 'ids'), m.from);
      // The survivor inherits the constraints; links still naming `from` elsewhere are dropped on load.
      tx.sunionstore(
        this.siteKey(siteId, `cl:${m.to}`),
        this.siteKey(siteId, `cl:${m.to}`),
        this.siteKey(siteId, `cl:${m.from}`),
      );
      tx.del(this.siteKey(siteId, `cl:${m.from}`));
      tx.srem(this.siteKey(siteId, 'cls'), m.from);
      // Markers are not indexed by identity: instead of rewriting them, the merged id points at
      // its survivor for as long as any marker naming it can live.
      tx.set(this.siteKey(siteId, `merged:${m.from}`), m.to, 'PX', markerTtlMs(retentionMs));
      tx.hset(this.siteKey(siteId, 'merges'), m.from, JSON.stringify({ t: m.to, s: m.similarity, a: m.mergedAtMs }));
    }
    await this.exec(tx);
  }

  async pendingMerges(siteId: string): Promise<IdentityMerge[]> {
    const raw = await this.redis.hgetall(this.siteKey(siteId, 'merges'));
    return Object.entries(raw)
      .map(([from, v]) => {
        const { t, s, a } = JSON.parse(v) as { t: string; s: number; a: number };
        return { from, to: t, similarity: s, mergedAtMs: a };
      })
      .sort((x, y) => x.mergedAtMs - y.mergedAtMs || (x.from < y.from ? -1 : 1));
  }

  async completeMerges(siteId: string, fromIds: string[]): Promise<void> {
    if (fromIds.length > 0) await this.redis.hdel(this.siteKey(siteId, 'merges'), ...fromIds);
  }

  async findProcessed(siteId: string, observationIds: string[]): Promise<Array<ProcessedObservation | null>> {
    if (observationIds.length === 0) return [];
    const values = await this.redis.mget(observationIds.map((id) => this.siteKey(siteId, `obs:${id}`)));
    const found = values.map((v, i) => {
      if (v === null) return null;
      const {
        i: identityId,
        s: similarity,
        n: isNewIdentity,
        b: label,
      } = JSON.parse(v) as { i: string; s: number; n: boolean; b?: string };
      return { observationId: observationIds[i], identityId, similarity, isNewIdentity, ...(label ? { label } : {}) };
    });
    const survivors = await this.survivorsOf(
      siteId,
      found.flatMap((p) => (p && !p.label ? [p.identityId] : [])),
    );
    return found.map((p) =>
      p && survivors.has(p.identityId) ? { ...p, identityId: survivors.get(p.identityId)! } : p,
    );
  }

  /** Follows merges from each id to the identity it lives on in (only ids that were merged away appear). */
  private async survivorsOf(siteId: string, identityIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    let current = new Map([...new Set(identityIds)].map((id) => [id, id]));
    for (let hop = 0; hop < MAX_MERGE_HOPS && current.size > 0; hop++) {
      const heads = [...new Set(current.values())];
      const next = await this.redis.mget(heads.map((id) => this.siteKey(siteId, `merged:${id}`)));
      const moved = new Map(heads.flatMap((id, i) => (next[i] === null ? [] : [[id, next[i]!] as const])));
      const still = new Map<string, string>();
      for (const [origin, head] of current) {
        if (!moved.has(head)) continue;
        out.set(origin, moved.get(head)!);
        still.set(origin, moved.get(head)!);
      }
      current = still;
    }
    return out;
  }

  async countIdentities(siteId: string): Promise<number> {
    return this.redis.zcard(this.siteKey(siteId, 'ids'));
  }

  async removeIdentities(siteId: string, identityIds: string[], observationIds: string[] = []): Promise<number> {
    if (identityIds.length === 0 && observationIds.length === 0) return 0;
    const tx = this.redis.multi();
    for (const id of identityIds) tx.del(this.siteKey(siteId, `rec:${id}`), this.siteKey(siteId, `id:${id}`));
    if (identityIds.length > 0) tx.zrem(this.siteKey(siteId, 'ids'), ...identityIds);
    for (const id of identityIds) tx.del(this.siteKey(siteId, `cl:${id}`));
    if (identityIds.length > 0) tx.srem(this.siteKey(siteId, 'cls'), ...identityIds);
    for (const id of observationIds) tx.del(this.siteKey(siteId, `obs:${id}`));
    tx.incr(this.siteKey(siteId, 'gen'));
    const results = await this.exec(tx);
    return identityIds.reduce((n, _, i) => n + Math.min(1, Number(results[i][1])), 0);
  }

  async removeMarkersOf(siteId: string, identityIds: string[]): Promise<number> {
    return removeMarkersNaming(this.redis, this.siteKey(siteId, ''), identityIds);
  }

  async purgeRemovedFromDisk(): Promise<DiskPurge> {
    return rewriteRedisPersistence(this.redis);
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
      const embedding = openOrShredded(() => this.cipher.open(h.c, siteId, this.templateContext(siteId, ids[i])));
      if (!embedding) return [];
      return [
        {
          siteId,
          templateId: ids[i],
          label: h.b.toString('utf8'),
          embedding,
          images: Number(h.n),
          enrolledMs: Number(h.t),
        },
      ];
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

  async ping(): Promise<void> {
    await pingRedis(this.redis);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }

  private writeIdentities(
    tx: ReturnType<Redis['multi']>,
    siteId: string,
    identities: Identity[],
    retentionMs: number | undefined,
  ): void {
    const keys = this.keysOf(siteId);
    for (const it of identities) {
      const record = packIdentityRecord(
        it,
        this.cipher.sealCode(encodeCentroid(it.centroid), siteId, keys.context(it.identityId)),
      );
      if (retentionMs) tx.set(keys.record(it.identityId), record, 'PX', retentionMs);
      else tx.set(keys.record(it.identityId), record);
      tx.zadd(keys.ids, it.lastSeenMs, it.identityId);
    }
    if (retentionMs && identities.length > 0) tx.pexpire(keys.ids, retentionMs);
  }

  /** Both directions, each set listed in `cls` so a site's load reads only identities that have constraints. */
  private writeCannotLink(
    tx: ReturnType<Redis['multi']>,
    siteId: string,
    a: string,
    b: string,
    retentionMs: number | undefined,
  ): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const key = this.siteKey(siteId, `cl:${x}`);
      tx.sadd(key, y);
      if (retentionMs) tx.pexpire(key, retentionMs);
    }
    tx.sadd(this.siteKey(siteId, 'cls'), a, b);
  }

  private async exec(tx: ReturnType<Redis['multi']>): Promise<Array<[Error | null, unknown]>> {
    const results = (await tx.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
    return results;
  }
}

function splitKey(split: IdentitySplit): string {
  return `${split.from}>${split.to}@${split.splitAtMs}`;
}

/** A marker links an observation to an identity: it never outlives the identity's retention. */
function markerTtlMs(retentionMs: number | undefined): number {
  return Math.min(PROCESSED_TTL_MS, retentionMs ?? PROCESSED_TTL_MS);
}
