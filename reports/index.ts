/** reports: analytics as ClickHouse queries, shared by the API, the dashboard, PDF digests and the CLI. */
export { type ReportRange } from './queries/report-range.ts';
export {
  queryFootfall,
  type FootfallBucket,
  type FootfallByPeriod,
  type FootfallPeriod,
} from './queries/footfall-by-period.ts';
export { queryDwellDistribution, type DwellDistribution } from './queries/dwell-distribution.ts';
export { queryReturningVisitors, type ReturningVisitors } from './queries/returning-visitors.ts';
export {
  queryTopPaths,
  queryTransitions,
  queryPathFunnel,
  type TopPaths,
  type Transitions,
} from './queries/paths-and-transitions.ts';
export { queryCaptureRate, type CaptureCell, type CaptureRate } from './queries/capture-rate.ts';
export { queryUnidentifiedEntries, type UnidentifiedEntries } from './queries/unidentified-entries.ts';
export { queryOccupancyNow, queryOccupancyOverDay, type OccupancyNow } from './queries/occupancy.ts';
export * from './privacy/index.ts';
export { siteErrorRates, SIMULATED_ERROR_RATES, type SiteErrorRates } from './intervals/site-error-rates.ts';
export type { PublishedIntervals } from './intervals/publish-intervals.ts';
export { createSiteErrorRates } from './calibration/site-error-rates-cache.ts';
export * from './coverage/index.ts';
export { queryCameraCoverage, type CameraCoverage } from './queries/camera-coverage.ts';
