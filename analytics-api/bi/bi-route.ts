/**
 * A read-only ClickHouse HTTP interface for BI tools, mounted at /bi/ of the API and at the root of
 * the BI listener. An API key authenticates; its tenant and site list make its scope; the SQL is
 * checked, then runs in the scope's sandboxed engine (sandbox/), which holds only that scope's
 * aggregates. Clients see ClickHouse-style errors with generic reasons, never engine text.
 */
import { Hono, type Context } from 'hono';
import { createLogger } from '../../common/logger.ts';
import { limitBeforeAuth, type RefuseTooMany, type RequestLimits } from '../auth/limit-requests.ts';
import { hasRole, sitesOf } from '../auth/require-api-key.ts';
import type { ResolvePrincipal } from '../auth/resolve-principal.ts';
import { BiError, clickhouseErrorText, redactLiterals } from './bi-error.ts';
import { biQueriesTotal, type BiOutcome } from './bi-metrics.ts';
import type { BiService } from './open-bi-service.ts';
import { presentedKey, readBiRequest } from './read-bi-request.ts';
import { sendBiResult } from './send-bi-result.ts';
import { BiQueryError, checkBiQuery } from './sql/index.ts';

function clickhouseError(c: Context, err: BiError, outcome: BiOutcome) {
  biQueriesTotal.inc({ outcome });
  c.header('X-ClickHouse-Exception-Code', String(err.code));
  return c.text(clickhouseErrorText(err.code, err.message), err.status);
}

/** The address limits of the API, answered in ClickHouse's shape (code 201: quota exceeded). */
const refuseBi: RefuseTooMany = (c, result, message) => {
  c.header('retry-after', String(result.retryAfterS));
  c.header('X-ClickHouse-Exception-Code', '201');
  return c.text(clickhouseErrorText(201, message), 429);
};

/** `limits` are the API's pre-authentication limits, shared so that failed logins count against one budget per client. */
export function biRoute(bi: BiService, resolvePrincipal: ResolvePrincipal, limits: RequestLimits) {
  const logger = createLogger('bi-endpoint');
  const { config } = bi;
  const handle = async (c: Context) => {
    if (c.req.method === 'GET' && !c.req.query('query')) return c.text('Ok.\n');
    const key = presentedKey(c);
    const principal = key ? await resolvePrincipal(key) : null;
    if (!principal) {
      return clickhouseError(
        c,
        new BiError(
          516,
          401,
          key
            ? 'unknown or revoked API key'
            : 'authentication required: send an API key as X-ClickHouse-Key or as the basic-auth password',
        ),
        'unauthenticated',
      );
    }
    if (!hasRole(principal, 'viewer'))
      return clickhouseError(c, new BiError(497, 403, 'this key may not read BI'), 'refused');
    let leave: (() => void) | undefined;
    try {
      const request = await readBiRequest(c);
      leave = bi.admission.enter(principal.keyId);
      let query;
      try {
        query = checkBiQuery(request.text, { defaultFormat: request.defaultFormat });
      } catch (err) {
        if (!(err instanceof BiQueryError)) throw err;
        logger.info({ keyId: principal.keyId, tenant: principal.tenant, code: err.code }, 'BI query refused');
        logger.debug({ keyId: principal.keyId, reason: redactLiterals(err.message) }, 'BI query refusal reason');
        leave();
        return clickhouseError(
          c,
          new BiError(err.code, err.code === 62 || err.code === 73 ? 400 : 403, err.message),
          'refused',
        );
      }
      const scope = {
        tenant: principal.tenant,
        sites: sitesOf(config.sites, principal)
          .map((s) => s.id)
          .sort(),
      };
      const lease = await bi.pool.acquire(scope);
      let result;
      try {
        result = await lease.engine.query(query.sql, query.format, request.compress);
      } catch (err) {
        lease.release(err instanceof BiError && err.engineLost);
        throw err;
      }
      const done = leave;
      leave = undefined;
      return sendBiResult(c, {
        lease,
        result,
        format: query.format,
        queryId: request.queryId,
        compress: request.compress,
        onDone: (ok) => {
          done();
          biQueriesTotal.inc({ outcome: ok ? 'ok' : 'failed' });
        },
      });
    } catch (err) {
      leave?.();
      if (!(err instanceof BiError)) {
        logger.error({ keyId: principal.keyId, error: redactLiterals(String(err)) }, 'BI request failed');
        return clickhouseError(c, new BiError(1002, 500, 'internal error'), 'failed');
      }
      if (err.code !== 159 && err.code !== 241)
        logger.debug({ keyId: principal.keyId, code: err.code }, 'BI query failed');
      else logger.info({ keyId: principal.keyId, tenant: principal.tenant, code: err.code }, 'BI query hit a limit');
      return clickhouseError(c, err, err.status === 429 ? 'limited' : err.status === 503 ? 'busy' : 'failed');
    }
  };
  return new Hono()
    .get('/ping', (c) => c.text('Ok.\n'))
    .use(limitBeforeAuth(limits, refuseBi))
    .on(['GET', 'POST'], ['/', '/*'], handle);
}
