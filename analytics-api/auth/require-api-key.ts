/** API-key authentication: a key belongs to a tenant, and a tenant sees only its own sites. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { ApiKeyConfig, SiteConfig } from '../../schemas/index.ts';
import { apiError } from '../api-error.ts';

export interface AuthVariables {
  tenant: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function presentedKey(header: string | undefined, alt: string | undefined): string | undefined {
  if (alt) return alt;
  const m = header?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1];
}

/** 401 without a known key; sets `tenant` for the handlers. Keys are compared as hashes, in constant time. */
export function requireApiKey(keys: ApiKeyConfig[]) {
  const hashed = keys.map((k) => ({ tenant: k.tenant, digest: Buffer.from(k.sha256, 'hex') }));
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const key = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
    if (!key) return apiError(c, 401, 'unauthenticated', 'an API key is required: send "Authorization: Bearer <key>"');
    const digest = Buffer.from(hashApiKey(key), 'hex');
    const match = hashed.find((k) => timingSafeEqual(k.digest, digest));
    if (!match) return apiError(c, 401, 'unauthenticated', 'unknown or revoked API key');
    c.set('tenant', match.tenant);
    await next();
  });
}

/** The site if it exists and belongs to the tenant; otherwise the error response to send. */
export function siteForTenant(sites: SiteConfig[], siteId: string, tenant: string): SiteConfig | 'not_found' | 'forbidden' {
  const site = sites.find((s) => s.id === siteId);
  if (!site) return 'not_found';
  return site.tenant === tenant ? site : 'forbidden';
}
