/** Who a presented API key is: keys from configuration first, then the key store. */
import { timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig } from '../../schemas/index.ts';
import type { ApiPrincipal } from '../../schemas/api-key.schema.ts';
import type { ApiKeyStore } from '../keys/api-key-store.ts';
import { hashApiKey } from '../keys/api-key-string.ts';

export type ResolvePrincipal = (key: string) => Promise<ApiPrincipal | null>;

export function createPrincipalResolver(configKeys: ApiKeyConfig[], store?: ApiKeyStore): ResolvePrincipal {
  const fixed = configKeys.map((k, i) => ({ ...k, digest: Buffer.from(k.sha256, 'hex'), keyId: `config-${i}` }));
  return async (key) => {
    if (!key || key.length > 256) return null;
    const digest = Buffer.from(hashApiKey(key), 'hex');
    const match = fixed.find((k) => timingSafeEqual(k.digest, digest));
    if (match) return { keyId: match.keyId, tenant: match.tenant, role: match.role, sites: match.sites };
    const record = store ? await store.verify(key) : null;
    return record ? { keyId: record.id, tenant: record.tenant, role: record.role, sites: record.sites } : null;
  };
}
