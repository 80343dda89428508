/** Per-caller token buckets with a bounded number of callers: memory stays flat however many callers appear. */

export type TakeResult = { ok: true } | { ok: false; retryAfterS: number };

export interface KeyedRateLimiterOptions {
  perMinute: number;
  /** Most callers remembered; the least recently seen is forgotten first (it starts again with a full bucket). */
  maxKeys?: number;
  now?: () => number;
}

export class KeyedRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly opts: KeyedRateLimiterOptions) {
    this.perMs = opts.perMinute / 60_000;
    this.maxKeys = opts.maxKeys ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Takes one token from `key`'s bucket, or says how long until one is back. */
  take(key: string): TakeResult {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.opts.perMinute, atMs: t };
    b.tokens = Math.min(this.opts.perMinute, b.tokens + (t - b.atMs) * this.perMs);
    b.atMs = t;
    // Re-inserted so that Map order is recency order and the first key is the one to forget.
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens < 1) return { ok: false, retryAfterS: Math.ceil((1 - b.tokens) / this.perMs / 1000) };
    b.tokens -= 1;
    return { ok: true };
  }

  /** Whether `key` has a token now, without taking it and without remembering an unknown key. */
  peek(key: string): TakeResult {
    const b = this.buckets.get(key);
    if (!b) return { ok: true };
    const tokens = Math.min(this.opts.perMinute, b.tokens + (this.now() - b.atMs) * this.perMs);
    return tokens >= 1 ? { ok: true } : { ok: false, retryAfterS: Math.ceil((1 - tokens) / this.perMs / 1000) };
  }

  /** Callers currently remembered. */
  get size(): number {
    return this.buckets.size;
  }
}
