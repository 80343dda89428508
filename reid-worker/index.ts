/** reid-worker: the matching engine. Per-site FAISS index, assignment, sinks, and the bus consumer. */
export { startReidWorker, type ReidWorkerDeps } from './start-reid-worker.ts';
export { createObservationBatchHandler, type BatchHandlerDeps } from './handle-observation-batch.ts';
export { assignIdentity, type Assignment } from './match/assign-identity.ts';
export { matchObservation, type MatchDecision, type MatchPolicy } from './match/match-observation.ts';
export { updateCentroid } from './match/update-centroid.ts';
export { FaissSiteIndex, type Neighbour } from './index/faiss-site-index.ts';
export { SiteState, SiteStateCache } from './site-state.ts';
export { ClickHouseSightingSink, type SightingSink } from './sinks/clickhouse-sighting-sink.ts';
export { DeadLetterSink, type DeadLetter } from './sinks/dead-letter-sink.ts';
export { ClickHouseVisitSink, type VisitSinkOptions } from './visits/clickhouse-visit-sink.ts';
export { WindowedSiteIndex, DEFAULT_WINDOW, type WindowOptions } from './index/windowed-site-index.ts';
export { naivePolicy, resolvePolicy, type ResolvedPolicy } from './match/match-policy.ts';
export { planMerges, type MergeEvent } from './match/plan-merges.ts';
export { type AppliedMerge } from './site-state.ts';
