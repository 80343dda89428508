/** The integrated mode's way back: remembers each uploaded observation's callback URL and POSTs the anonymous id to it once known. */
import { OutboundGuard, type OutboundPolicy } from '../../common/http/outbound-guard.ts';
import { postJson } from '../../common/http/post-json.ts';
import { createLogger } from '../../common/logger.ts';
import type { Sighting } from '../../schemas/index.ts';

export interface IdentityCallbackOptions {
  /** A registration not answered within this time is forgotten (the worker may have dropped it). */
  ttlMs: number;
  /** Most registrations kept; the oldest are forgotten first (bounds memory under a flood). */
  maxPending: number;
  timeoutMs: number;
  /** Which targets callbacks may reach: https and public addresses unless the configuration says otherwise. */
  policy: OutboundPolicy;
}

/** What the integrating application receives: the anonymous id and how sure the match was; never a vector. */
export interface IdentityCallbackBody {
  observationId: string;
  siteId: string;
  identityId: string;
  isNewIdentity: boolean;
  similarity: number;
  /** Exclusion group (e.g. "staff") when the face matched one; empty for a visitor. */
  label: string;
}

/**
 * The hook between the upload endpoint and re-identification. The upload app checks the URL with
 * `refusal` and calls `expect`; whoever sees the resulting Sighting (the sightings sink, or a
 * consumer of the sightings topic) calls `deliver`. Delivery is best effort, once, never
 * redirected, and only to addresses the policy allows at connect time: the application can
 * always ask the API.
 */
export class IdentityCallbacks {
  private readonly pending = new Map<string, { url: string; expiresMs: number }>();
  private readonly logger = createLogger('identity-callbacks');
  private readonly guard: OutboundGuard;

  constructor(private readonly opts: IdentityCallbackOptions) {
    this.guard = new OutboundGuard(opts.policy);
  }

  /** Why a callback URL is refused at upload time (scheme, a literal non-public address), or null. */
  refusal(url: string): string | null {
    return this.guard.refusal(url);
  }

  expect(observationId: string, url: string, nowMs = Date.now()): void {
    this.pending.set(observationId, { url, expiresMs: nowMs + this.opts.ttlMs });
    // Map iteration order is insertion order: the first keys are the oldest.
    for (const key of this.pending.keys()) {
      if (this.pending.size <= this.opts.maxPending) break;
      this.pending.delete(key);
    }
  }

  /** Number of callbacks waiting for their sighting. */
  get size(): number {
    return this.pending.size;
  }

  /** POSTs the sighting's identity to the registered URL; false when none was registered (or it expired or failed). */
  async deliver(sighting: Sighting, nowMs = Date.now()): Promise<boolean> {
    const entry = this.pending.get(sighting.observationId);
    if (!entry) return false;
    this.pending.delete(sighting.observationId);
    if (entry.expiresMs < nowMs) return false;
    const body: IdentityCallbackBody = {
      observationId: sighting.observationId,
      siteId: sighting.siteId,
      identityId: sighting.identityId,
      isNewIdentity: sighting.isNewIdentity,
      similarity: sighting.similarity,
      label: sighting.label ?? '',
    };
    try {
      const { status } = await postJson(entry.url, body, { timeoutMs: this.opts.timeoutMs, guard: this.guard });
      // A redirect is a failure too: following it would let the integrator point us anywhere.
      const ok = status >= 200 && status < 300;
      if (!ok) this.logger.warn({ status, observationId: body.observationId }, 'identity callback refused');
      return ok;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, observationId: body.observationId }, 'identity callback failed');
      return false;
    }
  }
}
