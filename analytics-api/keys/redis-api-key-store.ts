/** API keys in Redis, shared by every API process: records by id, lookup by the key's sha256. */
import type { Redis } from 'ioredis';
import { connectRedis } from '../../common/redis/connect-redis.ts';
import { apiKeyRecordSchema, type ApiKeyRecord } from '../../schemas/api-key.schema.ts';
import { apiKeyId, generateApiKey, hashApiKey } from './api-key-string.ts';
import type { ApiKeyStore, CreateApiKey, StoredApiKey } from './api-key-store.ts';

export class RedisApiKeyStore implements ApiKeyStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'rv',
  ) {
    this.redis = connectRedis(url);
  }

  private recordKey(id: string): string {
    return `${this.prefix}:apikey:${id}`;
  }

  async create(input: CreateApiKey, nowMs = Date.now()): Promise<{ record: ApiKeyRecord; key: string }> {
    const { id, key } = generateApiKey();
    const record = apiKeyRecordSchema.parse({ id, ...input, label: input.label ?? '', createdAtMs: nowMs });
    const created = await this.redis.hsetnx(this.recordKey(id), 'record', JSON.stringify(record));
    if (!created) throw new Error('key id collision, try again');
    await this.redis.hset(this.recordKey(id), 'sha256', hashApiKey(key));
    await this.redis.sadd(`${this.prefix}:apikeys`, id);
    return { record, key };
  }

  async list(tenant?: string): Promise<ApiKeyRecord[]> {
    const ids = (await this.redis.smembers(`${this.prefix}:apikeys`)).sort();
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((r): r is ApiKeyRecord => r !== null && (tenant === undefined || r.tenant === tenant));
  }

  async listStored(): Promise<StoredApiKey[]> {
    const ids = (await this.redis.smembers(`${this.prefix}:apikeys`)).sort();
    const stored = await Promise.all(
      ids.map(async (id) => {
        const [raw, sha256] = await this.redis.hmget(this.recordKey(id), 'record', 'sha256');
        return raw && sha256 ? { record: apiKeyRecordSchema.parse(JSON.parse(raw)), sha256 } : null;
      }),
    );
    return stored.filter((k): k is StoredApiKey => k !== null);
  }

  async get(id: string): Promise<ApiKeyRecord | null> {
    const raw = await this.redis.hget(this.recordKey(id), 'record');
    return raw ? apiKeyRecordSchema.parse(JSON.parse(raw)) : null;
  }

  async revoke(id: string, nowMs = Date.now()): Promise<boolean> {
    const record = await this.get(id);
    if (!record) return false;
    await this.redis.hset(
      this.recordKey(id),
      'record',
      JSON.stringify({ ...record, revokedAtMs: record.revokedAtMs ?? nowMs }),
    );
    return true;
  }

  async verify(key: string): Promise<ApiKeyRecord | null> {
    const id = apiKeyId(key);
    if (!id) return null;
    const [raw, sha256] = await this.redis.hmget(this.recordKey(id), 'record', 'sha256');
    // Comparing digests, not secrets: timing reveals nothing useful about the key.
    if (!raw || sha256 !== hashApiKey(key)) return null;
    const record = apiKeyRecordSchema.parse(JSON.parse(raw));
    return record.revokedAtMs ? null : record;
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
