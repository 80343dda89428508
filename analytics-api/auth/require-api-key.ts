/** API-key authentication and authorisation: a key belongs to a tenant, has a role and sees only its sites. */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { SiteConfig } from '../../schemas/index.ts';
import type { ApiPrincipal, ApiRole } from '../../schemas/api-key.schema.ts';
import { apiError } from '../../common/http/api-error.ts';
import type { ResolvePrincipal } from './resolve-principal.ts';

export { hashApiKey } from '../keys/api-key-string.ts';

export interface AuthVariables {
  principal: ApiPrincipal;
}

const RANK: Record<ApiRole, number> = { viewer: 0, integrator: 1, admin: 2 };

function presentedKey(header: string | undefined, alt: string | undefined): string | undefined {
  if (alt) return alt;
  return header?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

/** 401 without a known key; sets `principal` for the handlers. */
export function requireApiKey(resolve: ResolvePrincipal) {
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const key = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
    if (!key) return apiError(c, 401, 'unauthenticated', 'an API key is required: send "Authorization: Bearer <key>"');
    const principal = await resolve(key);
    if (!principal) return apiError(c, 401, 'unauthenticated', 'unknown or revoked API key');
    c.set('principal', principal);
    await next();
  });
}

/** Whether the key's role is at least `role` (viewer < integrator < admin). */
export function hasRole(p: ApiPrincipal, role: ApiRole): boolean {
  return RANK[p.role] >= RANK[role];
}

/** 403 unless the key's role is at least `role`. */
export function requireRole(role: ApiRole) {
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    if (!hasRole(c.get('principal'), role)) return apiError(c, 403, 'forbidden', `this needs the ${role} role`);
    await next();
  });
}

/** The sites a principal may read, in configuration order. */
export function sitesOf(sites: SiteConfig[], p: ApiPrincipal): SiteConfig[] {
  return sites.filter((s) => s.tenant === p.tenant && (p.sites === '*' || p.sites.includes(s.id)));
}

/**
 * The site if the principal may read it, else null. A site outside the key's scope and one that does
 * not exist are one case: a key cannot probe which site ids other tenants (or its own tenant's other
 * sites) have.
 */
export function siteForPrincipal(sites: SiteConfig[], siteId: string, p: ApiPrincipal): SiteConfig | null {
  return sitesOf(sites, p).find((s) => s.id === siteId) ?? null;
}

/** The answer for a site the key may not use, whether it exists or not (404, the same words). */
export function unknownSite(c: Context, siteId: string): Response {
  return apiError(c, 404, 'unknown_site', `no site "${siteId}"`);
}
