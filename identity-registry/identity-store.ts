/** The registry contract: where identities live between worker restarts and rebalances. */
import type { Identity, ProcessedObservation } from './identity.ts';

export interface IdentityStore {
  /** Every identity of a site, to rebuild its index after a restart or partition move. */
  loadSite(siteId: string): Promise<Identity[]>;
  /** Saves changed identities and the observations they absorbed, atomically. */
  save(siteId: string, identities: Identity[], processed: ProcessedObservation[]): Promise<void>;
  /** For each observation id, how it was assigned when first handled, or null. */
  findProcessed(siteId: string, observationIds: string[]): Promise<Array<ProcessedObservation | null>>;
  countIdentities(siteId: string): Promise<number>;
  close(): Promise<void>;
}
