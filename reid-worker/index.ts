/** reid-worker: the matching engine. Per-site FAISS index, assignment, the batch's steps, the visit maintainer, and the bus consumer. */
export { startReidWorker, type ReidWorkerDeps } from './start-reid-worker.ts';
export {
  createObservationBatchHandler,
  type BatchHandlerDeps,
  type SightingSteps,
} from './handle-observation-batch.ts';
export { assignIdentity, type Assignment } from './match/assign-identity.ts';
export { matchObservation, type MatchDecision, type MatchPolicy } from './match/match-observation.ts';
export { updateCentroid } from './match/update-centroid.ts';
export type { Neighbour } from './index/neighbour.ts';
export { SiteState, DEFAULT_SITE_INDEX, type SiteIndexOptions } from './site-state.ts';
export { SiteStateCache } from './site-state-cache.ts';
export { BatchAssigner } from './match/batch-assigner.ts';
export { DeadLetterSink, type DeadLetter } from './sinks/dead-letter-sink.ts';
export { VisitMaintainer, type VisitMaintainerOptions } from './visits/visit-maintainer.ts';
export { SightingTopicSink } from './sinks/sighting-topic-sink.ts';
export { RegistryLock } from './erasure/registry-lock.ts';
export { SiteVectorIndex, type IndexLayout } from './index/site-vector-index.ts';
export { naivePolicy, resolvePolicy, type ResolvedPolicy } from './match/match-policy.ts';
export { planMerges, type MergeEvent } from './match/plan-merges.ts';
export { type AppliedMerge } from './site-state.ts';
