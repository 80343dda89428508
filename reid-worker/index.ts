/** reid-worker: the matching engine. Per-site FAISS index, assignment, the batch's steps, the visit maintainer, and the bus consumer. */
export { startReidWorker, type ReidWorkerDeps } from './start-reid-worker.ts';
export { createObservationBatchHandler, type BatchHandlerDeps, type SightingSteps } from './handle-observation-batch.ts';
export { assignIdentity, type Assignment } from './match/assign-identity.ts';
export { matchObservation, type MatchDecision, type MatchPolicy } from './match/match-observation.ts';
export { updateCentroid } from './match/update-centroid.ts';
export { FaissSiteIndex, type Neighbour } from './index/faiss-site-index.ts';
export { SiteState, SiteStateCache } from './site-state.ts';
export { DeadLetterSink, type DeadLetter } from './sinks/dead-letter-sink.ts';
export { VisitMaintainer, type VisitMaintainerOptions } from './visits/visit-maintainer.ts';
export { SightingTopicSink } from './sinks/sighting-topic-sink.ts';
export { RegistryLock } from './erasure/registry-lock.ts';
export { WindowedSiteIndex, DEFAULT_WINDOW, type WindowOptions } from './index/windowed-site-index.ts';
export { naivePolicy, resolvePolicy, type ResolvedPolicy } from './match/match-policy.ts';
export { planMerges, type MergeEvent } from './match/plan-merges.ts';
export { type AppliedMerge } from './site-state.ts';
