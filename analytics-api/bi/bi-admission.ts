/** Per-key admission to BI: a rate limit (token bucket on the key id) and a cap on queries in flight. */
import { KeyedRateLimiter } from '../auth/keyed-rate-limiter.ts';
import { BiError } from './bi-error.ts';

export class BiAdmission {
  private readonly limiter: KeyedRateLimiter;
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly opts: { requestsPerMinute: number; perKeyConcurrency: number; now?: () => number }) {
    this.limiter = new KeyedRateLimiter({ perMinute: opts.requestsPerMinute, now: opts.now });
  }

  /** Admits one query of `keyId`, or throws a 429 BiError; call the returned function when it is done. */
  enter(keyId: string): () => void {
    const running = this.inFlight.get(keyId) ?? 0;
    if (running >= this.opts.perKeyConcurrency)
      throw new BiError(
        202,
        429,
        `too many simultaneous BI queries for this key (at most ${this.opts.perKeyConcurrency})`,
      );
    const taken = this.limiter.take(keyId);
    if (!taken.ok)
      throw new BiError(
        201,
        429,
        `BI quota exceeded: ${this.opts.requestsPerMinute} queries per minute per key, retry in ${taken.retryAfterS} s`,
      );
    this.inFlight.set(keyId, running + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const n = (this.inFlight.get(keyId) ?? 1) - 1;
      if (n > 0) this.inFlight.set(keyId, n);
      else this.inFlight.delete(keyId);
    };
  }
}
