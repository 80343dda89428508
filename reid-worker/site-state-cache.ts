/** The sites' states a worker holds: each loaded from the registry on first use, dropped when it may be stale. */
import type { IdentityStore } from '../identity-registry/index.ts';
import { DEFAULT_SITE_INDEX, SiteState, type SiteIndexOptions } from './site-state.ts';

/**
 * Loads a site's state on first use. After a partition move or a failed batch the state may be
 * stale, so it is dropped and rebuilt from the registry, the single source of truth.
 */
export class SiteStateCache {
  private readonly states = new Map<string, Promise<SiteState>>();
  /** The states loaded so far, for synchronous readers (the visit tracker's face lookups). */
  private readonly loaded = new Map<string, SiteState>();

  constructor(
    private readonly store: IdentityStore,
    private readonly dim: number,
    private readonly index: SiteIndexOptions = DEFAULT_SITE_INDEX,
  ) {}

  get(siteId: string): Promise<SiteState> {
    let state = this.states.get(siteId);
    if (!state) {
      const loading = this.load(siteId);
      this.states.set(siteId, loading);
      loading.then(
        (s) => this.states.get(siteId) === loading && this.loaded.set(siteId, s),
        () => this.states.delete(siteId),
      );
      state = loading;
    }
    return state;
  }

  /** The site's state if it is loaded and current (undefined while it loads or after it was dropped). */
  peek(siteId: string): SiteState | undefined {
    return this.loaded.get(siteId);
  }

  /** Removes identities from a site's state if it is loaded (they expired from the registry). */
  async forget(siteId: string, identityIds: string[]): Promise<void> {
    const state = this.states.get(siteId);
    const loaded = await state?.catch(() => undefined);
    loaded?.removeMany(identityIds);
  }

  invalidate(siteId?: string): void {
    if (siteId === undefined) {
      this.states.clear();
      this.loaded.clear();
    } else {
      this.states.delete(siteId);
      this.loaded.delete(siteId);
    }
  }

  private async load(siteId: string): Promise<SiteState> {
    const state = new SiteState(siteId, this.dim, this.index);
    await state.load(await this.store.loadSnapshot(siteId));
    state.loadCannotLinks(await this.store.loadCannotLinks(siteId));
    return state;
  }
}
