/** The integrated mode's way back: remembers each uploaded observation's callback URL and POSTs the anonymous id to it once known. */
import { createLogger } from '../../common/logger.ts';
import type { Sighting } from '../../schemas/index.ts';

export interface IdentityCallbackOptions {
  /** A registration not answered within this time is forgotten (the worker may have dropped it). */
  ttlMs: number;
  /** Most registrations kept; the oldest are forgotten first (bounds memory under a flood). */
  maxPending: number;
  timeoutMs: number;
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
 * The hook between the upload endpoint and re-identification. The upload app calls `expect`;
 * whoever sees the resulting Sighting (the sightings sink, or a consumer of the sightings
 * topic) calls `deliver`. Delivery is best effort, once: the application can always ask the API.
 */
export class IdentityCallbacks {
  private readonly pending = new Map<string, { url: string; expiresMs: number }>();
  private readonly logger = createLogger('identity-callbacks');

  constructor(private readonly opts: IdentityCallbackOptions) {}

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
      const res = await fetch(entry.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      if (!res.ok) this.logger.warn({ status: res.status, observationId: body.observationId }, 'identity callback refused');
      return res.ok;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, observationId: body.observationId }, 'identity callback failed');
      return false;
    }
  }
}
