/** Headers on every response: no sniffing, no framing, no referrer, no caching of API answers, and a deny-all CSP unless a page brings its own. */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** Paths whose answers are data for one key: never stored by browsers or proxies. */
const NO_STORE_PREFIXES = ['/api/', '/bi', '/metrics'];

/**
 * hono's secureHeaders with X-Frame-Options DENY and, for responses that set no CSP of their own
 * (JSON, CSV, errors), `default-src 'none'; frame-ancestors 'none'`. No Strict-Transport-Security:
 * the API speaks plain HTTP behind whatever terminates TLS, which is where HSTS belongs.
 */
export function securityHeaders(): MiddlewareHandler {
  const headers = secureHeaders({
    xFrameOptions: 'DENY',
    strictTransportSecurity: false,
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
    overwrite: false,
  });
  return async (c, next) => {
    await headers(c, async () => {
      await next();
      if (NO_STORE_PREFIXES.some((p) => c.req.path.startsWith(p)) || !c.res.headers.has('cache-control'))
        c.res.headers.set('cache-control', 'no-store');
    });
  };
}
