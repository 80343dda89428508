/** POSTs a JSON body once: no redirects followed (a 3xx is an answer, not a new target), a deadline, and errors that never carry the URL's credentials, path or query. */
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { OutboundGuard } from './outbound-guard.ts';

export interface PostJsonOptions {
  timeoutMs: number;
  /** Checks the URL and every address connected to (callbacks); without it any http(s) target is tried (operator-configured webhooks). */
  guard?: OutboundGuard;
}

/**
 * The URL as it may be logged: its origin only. Not user:password, and not the path or query
 * either: webhook services (Slack, Teams, …) put the secret in the path.
 */
export function redactUrl(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return '<invalid URL>';
  }
}

/**
 * Resolves with the response status (the body is discarded); rejects when the target is refused,
 * unreachable or too slow. Every call opens its own connection (no agent), so a pooled socket
 * opened without the guard can never be reused by a guarded call.
 */
export function postJson(url: string, body: unknown, opts: PostJsonOptions): Promise<{ status: number }> {
  const where = redactUrl(url);
  const refusal = opts.guard?.refusal(url);
  if (refusal) return Promise.reject(new Error(`POST ${where} refused: ${refusal}`));
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    return Promise.reject(new Error(`POST ${where} refused: not an http(s) URL`));
  const payload = Buffer.from(JSON.stringify(body));
  const options: RequestOptions = {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': payload.length },
    signal: AbortSignal.timeout(opts.timeoutMs),
    ...(opts.guard ? { lookup: opts.guard.lookup } : {}),
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, options, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', (err) =>
      reject(
        new Error(
          `POST ${where} failed: ${err.name === 'AbortError' ? `no answer within ${opts.timeoutMs} ms` : err.message}`,
        ),
      ),
    );
    req.end(payload);
  });
}
