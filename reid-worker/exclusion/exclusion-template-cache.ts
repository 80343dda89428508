/** The worker's copy of each site's exclusion templates, loaded from the registry on first use. */
import type { ExclusionTemplate, IdentityStore } from '../../identity-registry/index.ts';

export class ExclusionTemplateCache {
  private readonly bySite = new Map<string, Promise<ExclusionTemplate[]>>();

  constructor(private readonly store: IdentityStore) {}

  get(siteId: string): Promise<ExclusionTemplate[]> {
    let templates = this.bySite.get(siteId);
    if (!templates) {
      templates = this.store.loadTemplates(siteId);
      this.bySite.set(siteId, templates);
      templates.catch(() => this.bySite.delete(siteId));
    }
    return templates;
  }

  /** Enrolment changed (the site's registry generation moved): reload on next use. */
  invalidate(siteId?: string): void {
    if (siteId === undefined) this.bySite.clear();
    else this.bySite.delete(siteId);
  }
}
