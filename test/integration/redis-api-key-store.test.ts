import { after } from 'node:test';
import { runApiKeyStoreContract } from '../contracts/api-key-store-contract.ts';
import { RedisApiKeyStore } from '../../analytics-api/keys/redis-api-key-store.ts';
import { uniqueName, useRedis, type RedisService } from '../harness/services.ts';

let redis: RedisService | undefined;
after(async () => redis?.release());

runApiKeyStoreContract('redis store', async () => {
  redis ??= await useRedis();
  return new RedisApiKeyStore(redis.url, uniqueName('rv'));
});
