/** The worker's in-memory state of the sites it owns: identities and their index, rebuilt from the registry. */
import type { Identity, IdentityStore } from '../identity-registry/index.ts';
import { FaissSiteIndex } from './index/faiss-site-index.ts';

export class SiteState {
  readonly identities = new Map<string, Identity>();
  readonly index: FaissSiteIndex;

  constructor(
    readonly siteId: string,
    dim: number,
  ) {
    this.index = new FaissSiteIndex(dim);
  }

  put(identity: Identity): void {
    this.identities.set(identity.identityId, identity);
    this.index.upsert(identity.identityId, identity.centroid);
  }
}

/**
 * Loads a site's state on first use. After a partition move or a failed batch the state may be
 * stale, so it is dropped and rebuilt from the registry, the single source of truth.
 */
export class SiteStateCache {
  private readonly states = new Map<string, Promise<SiteState>>();

  constructor(
    private readonly store: IdentityStore,
    private readonly dim: number,
  ) {}

  get(siteId: string): Promise<SiteState> {
    let state = this.states.get(siteId);
    if (!state) {
      state = this.load(siteId);
      this.states.set(siteId, state);
      state.catch(() => this.states.delete(siteId));
    }
    return state;
  }

  invalidate(siteId?: string): void {
    if (siteId === undefined) this.states.clear();
    else this.states.delete(siteId);
  }

  private async load(siteId: string): Promise<SiteState> {
    const state = new SiteState(siteId, this.dim);
    for (const identity of await this.store.loadSite(siteId)) state.put(identity);
    return state;
  }
}
