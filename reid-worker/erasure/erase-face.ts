/** Erasure (right to be forgotten): a face removes every identity it matches, with all their sightings. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { DiskPurge, IdentityStore } from '../../identity-registry/index.ts';
import { createLogger } from '../../common/logger.ts';
import { deleteIdentityRows } from '../../storage/delete-identity-rows.ts';
import { findMatchingIdentities, type IdentityMatch } from './find-matching-identities.ts';
import type { RegistryLock } from './registry-lock.ts';

export interface EraseFaceRequest {
  siteId: string;
  /** L2-normalised embedding of the face (see normaliseErasureEmbedding). */
  embedding: Float32Array;
}

export interface EraseFaceDeps {
  store: IdentityStore;
  clickhouse: ClickHouseClient;
  /** The process's registry lock, shared with the worker when it runs in this process. */
  registryLock: RegistryLock;
  /** config.privacy.erasureMinCosine. */
  minCosine: number;
  /** Drops a worker's in-memory state of the site when the worker runs in this process. */
  onErased?: (siteId: string) => void;
}

export interface ErasureResult {
  siteId: string;
  /** The identities removed, most similar first. */
  identities: IdentityMatch[];
  /** ClickHouse rows deleted per table. */
  rowsDeleted: Record<string, number>;
  /** Processed-observation markers (and merge aliases) naming the identities, removed from Redis: all of them, found by a scan of the site's. */
  markersDeleted: number;
  /** Whether the registry's files on disk were rewritten without the removed identities. */
  disk: DiskPurge;
}

const logger = createLogger('erasure');

/**
 * Finds every identity of the site within `minCosine` of the face, deletes their rows from every
 * ClickHouse table that holds identities, then every observation marker naming them and their
 * registry keys (ClickHouse first: if anything
 * fails in between, the identity is still findable and a retry finishes the job). The registry
 * generation moves, so every worker drops its copy of the site before its next batch; in this
 * process the registry lock makes it take effect before any further batch is written.
 * Last, the registry's files on disk are rewritten, outside the lock (batches go on meanwhile).
 * That happens even when nothing matched: a retry after an incomplete rewrite completes it.
 */
export async function eraseFace(req: EraseFaceRequest, deps: EraseFaceDeps): Promise<ErasureResult> {
  const removed = await deps.registryLock.run(async () => {
    const identities = findMatchingIdentities(req.embedding, await deps.store.loadSite(req.siteId), deps.minCosine);
    const ids = identities.map((m) => m.identityId);
    const rows = await deleteIdentityRows(deps.clickhouse, req.siteId, ids);
    // Markers before identities: a failure in between leaves the identity findable, and a retry sweeps again.
    const markersDeleted = await deps.store.removeMarkersOf(req.siteId, ids);
    if (ids.length > 0) await deps.store.removeIdentities(req.siteId, ids);
    deps.onErased?.(req.siteId);
    return { siteId: req.siteId, identities, rowsDeleted: rows.byTable, markersDeleted };
  });
  // The removals are done whatever happens here: a failed rewrite is reported, not thrown.
  const disk = await deps.store
    .purgeRemovedFromDisk()
    .catch((err: Error): DiskPurge => ({ complete: false, detail: `rewrite failed: ${err.message}` }));
  if (!disk.complete)
    logger.warn(
      { siteId: req.siteId, identities: removed.identities.length, detail: disk.detail },
      "erased identities may still be on the registry's disk",
    );
  return { ...removed, disk };
}
