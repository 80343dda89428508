/**
 * Request rate limits, in-process per API replica. Before authentication only the client's network
 * address is counted (never a header value a client chooses), and failed authentications are
 * counted per address; after authentication, the key id is — so no header trick sidesteps it.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { RevisitConfig } from '../../common/config.ts';
import { apiError } from '../../common/http/api-error.ts';
import { createClientAddress, type ClientAddress } from './client-address.ts';
import { KeyedRateLimiter, type TakeResult } from './keyed-rate-limiter.ts';
import type { AuthVariables } from './require-api-key.ts';

export interface RequestLimits {
  clientAddress: ClientAddress;
  perAddress: KeyedRateLimiter;
  failedAuth: KeyedRateLimiter;
  perKey: KeyedRateLimiter;
}

/** The limiters of one app; share them between every router that authenticates, so budgets are per client, not per route. */
export function createRequestLimits(api: RevisitConfig['api'], now: () => number = Date.now): RequestLimits {
  const maxKeys = api.rateLimitMaxCallers;
  return {
    clientAddress: createClientAddress(api.trustedProxies),
    perAddress: new KeyedRateLimiter({ perMinute: api.addressRequestsPerMinute, maxKeys, now }),
    failedAuth: new KeyedRateLimiter({ perMinute: api.failedAuthPerMinute, maxKeys, now }),
    perKey: new KeyedRateLimiter({ perMinute: api.requestsPerMinute, maxKeys, now }),
  };
}

/** How a refused request is answered: the API's JSON error here, ClickHouse's text on BI. */
export type RefuseTooMany = (c: Context, result: Extract<TakeResult, { ok: false }>, message: string) => Response;

function tooMany(c: Context, result: Extract<TakeResult, { ok: false }>, message: string) {
  c.header('retry-after', String(result.retryAfterS));
  return apiError(c, 429, 'rate_limited', message);
}

/** Mount before `requireApiKey`: counts the request against its address, refuses an address whose failed authentications are spent, and counts each 401. */
export function limitBeforeAuth(limits: RequestLimits, refuse: RefuseTooMany = tooMany) {
  return createMiddleware(async (c, next) => {
    const address = limits.clientAddress(c);
    const request = limits.perAddress.take(address);
    if (!request.ok) return refuse(c, request, 'too many requests from this address');
    const auth = limits.failedAuth.peek(address);
    if (!auth.ok) return refuse(c, auth, 'too many failed authentications from this address');
    await next();
    if (c.res.status === 401) limits.failedAuth.take(address);
  });
}

/** Mount after `requireApiKey`: one budget per authenticated key id. */
export function limitPerKey(limits: RequestLimits) {
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const result = limits.perKey.take(c.get('principal').keyId);
    if (!result.ok) return tooMany(c, result, 'too many requests for this API key');
    await next();
  });
}
