/** The sites' states a worker holds: each loaded from the registry on first use, dropped when it may be stale. */
import type { IdentityStore } from '../identity-registry/index.ts';
import { DEFAULT_SITE_INDEX, SiteState, type SiteIndexOptions } from './site-state.ts';

/**
 * Loads a site's state on first use. After a partition move or a failed batch the state may be
 * stale, so it is dropped and rebuilt from the registry, the single source of truth.
 */
export class SiteStateCache {
  /** Each site's load; `ready` once it finished, for synchronous readers (the visit tracker's faces). */
  private readonly states = new Map<string, { loading: Promise<SiteState>; ready?: SiteState }>();

  constructor(
    private readonly store: IdentityStore,
    private readonly dim: number,
    private readonly index: SiteIndexOptions = DEFAULT_SITE_INDEX,
  ) {}

  get(siteId: string): Promise<SiteState> {
    const current = this.states.get(siteId);
    if (current) return current.loading;
    const entry: { loading: Promise<SiteState>; ready?: SiteState } = { loading: this.load(siteId) };
    this.states.set(siteId, entry);
    entry.loading.then(
      (state) => {
        entry.ready = state;
      },
      () => {
        if (this.states.get(siteId) === entry) this.states.delete(siteId);
      },
    );
    return entry.loading;
  }

  /** The site's state if it is loaded and current (undefined while it loads or after it was dropped). */
  peek(siteId: string): SiteState | undefined {
    return this.states.get(siteId)?.ready;
  }

  /** Removes identities from a site's state if it is loaded (they expired from the registry). */
  async forget(siteId: string, identityIds: string[]): Promise<void> {
    const loaded = await this.states.get(siteId)?.loading.catch(() => undefined);
    loaded?.removeMany(identityIds);
  }

  invalidate(siteId?: string): void {
    if (siteId === undefined) this.states.clear();
    else this.states.delete(siteId);
  }

  private async load(siteId: string): Promise<SiteState> {
    const state = new SiteState(siteId, this.dim, this.index);
    await state.load(await this.store.loadSnapshot(siteId));
    state.loadCannotLinks(await this.store.loadCannotLinks(siteId));
    return state;
  }
}
