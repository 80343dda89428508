/** Whether a failure is worth retrying: a store that is unavailable, as opposed to data or code that will fail again. */

/** Node socket and DNS failures: the store did not answer, whatever it would have said. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * ClickHouse error types (the name in `(...)` after the message) that say the server cannot take
 * the request now, never that the rows are wrong: overload, a table detached or read-only, a
 * replica or Keeper away, credentials an operator must fix. Everything else (a row it rejects, a
 * query it cannot parse) fails again on every try.
 */
const TRANSIENT_CLICKHOUSE = new Set([
  'UNKNOWN_TABLE',
  'UNKNOWN_DATABASE',
  'TABLE_IS_DROPPED',
  'TABLE_IS_READ_ONLY',
  'READONLY',
  'TIMEOUT_EXCEEDED',
  'SOCKET_TIMEOUT',
  'NETWORK_ERROR',
  'TOO_MANY_SIMULTANEOUS_QUERIES',
  'NO_FREE_CONNECTION',
  'TOO_MANY_PARTS',
  'MEMORY_LIMIT_EXCEEDED',
  'ABORTED',
  'QUERY_WAS_CANCELLED',
  'DEADLOCK_AVOIDED',
  'ALL_CONNECTION_TRIES_FAILED',
  'ALL_REPLICAS_ARE_STALE',
  'TOO_FEW_LIVE_REPLICAS',
  'UNKNOWN_STATUS_OF_INSERT',
  'KEEPER_EXCEPTION',
  'NOT_ENOUGH_SPACE',
  'CANNOT_ALLOCATE_MEMORY',
  'AUTHENTICATION_FAILED',
  'REQUIRED_PASSWORD',
  'ACCESS_DENIED',
]);

/** Redis error replies (their first word) that say the server cannot serve now: loading, failing over, full, not authorised. */
const TRANSIENT_REDIS = new Set([
  'LOADING',
  'BUSY',
  'MASTERDOWN',
  'READONLY',
  'TRYAGAIN',
  'CLUSTERDOWN',
  'NOREPLICAS',
  'MISCONF',
  'OOM',
  'NOAUTH',
  'WRONGPASS',
]);

/** ioredis's connection errors (commands aborted or out of retries while the server is away), and aborted or timed-out requests. */
const CONNECTION_ERROR_NAMES = new Set([
  'AbortError',
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
  'TimeoutError',
]);

/** Messages of errors ioredis and @clickhouse/client raise without a code when a connection drops or times out. */
const CLIENT_CONNECTION_MESSAGES = new Set(['Connection is closed.', 'Command timed out', 'Timeout error.']);

/**
 * True for a store that is unavailable (Redis, ClickHouse or Kafka down, timing out, refusing
 * for now): the batch is retried with backoff until it is back. False for everything else —
 * a ContractError, a row ClickHouse rejects, a bug (RangeError, TypeError): retrying would fail
 * the same way forever, so the observation is isolated and dead-lettered instead. An error that
 * carries its own `retriable` flag (ContractError, kafkajs errors) decides for itself; wrapped
 * errors (`cause`, ioredis's `previousErrors` of an aborted MULTI) count when any of them is
 * retriable (kafkajs's "retries exceeded" wraps the connection error behind it).
 */
export function isRetriable(error: unknown): boolean {
  return chainOf(error).some(isUnavailable);
}

function isUnavailable(error: Error): boolean {
  const e = error as Error & { retriable?: unknown; code?: unknown; type?: unknown };
  if (typeof e.retriable === 'boolean') return e.retriable;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  // ClickHouseError duck-typed: chdb's connection raises the class of its own copy of client-common.
  if (typeof e.code === 'string' && /^\d+$/.test(e.code) && typeof e.type === 'string')
    return TRANSIENT_CLICKHOUSE.has(e.type);
  if (e.name === 'ReplyError') return TRANSIENT_REDIS.has(e.message.split(' ', 1)[0]);
  if (CONNECTION_ERROR_NAMES.has(e.name)) return true;
  return CLIENT_CONNECTION_MESSAGES.has(e.message);
}

/** The error and the errors it wraps, breadth first, at most 16 (chains are a few links; this bounds a cycle). */
function chainOf(error: unknown): Error[] {
  const out: Error[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && out.length < 16) {
    const next = queue.shift();
    if (!(next instanceof Error) || out.includes(next)) continue;
    out.push(next);
    const wrapped = next as Error & { previousErrors?: unknown; errors?: unknown };
    queue.push(next.cause);
    if (Array.isArray(wrapped.previousErrors)) queue.push(...wrapped.previousErrors);
    if (Array.isArray(wrapped.errors)) queue.push(...wrapped.errors);
  }
  return out;
}
