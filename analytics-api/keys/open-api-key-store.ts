/** Picks the key store for the deployment: Redis when configured (shared by API replicas), else a file. */
import { join } from 'node:path';
import type { RevisitConfig } from '../../common/config.ts';
import type { ApiKeyStore } from './api-key-store.ts';
import { FileApiKeyStore } from './file-api-key-store.ts';
import { RedisApiKeyStore } from './redis-api-key-store.ts';

export function openApiKeyStore(config: Pick<RevisitConfig, 'redis' | 'dataDir'>): ApiKeyStore {
  return config.redis.url
    ? new RedisApiKeyStore(config.redis.url, config.redis.keyPrefix)
    : new FileApiKeyStore(join(config.dataDir, 'api-keys.json'));
}
