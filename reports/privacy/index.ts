/** The suppression rule, written once: every output of a key (API, CSV, charts, dashboard, PDF) publishes reports through it; BI views implement it in SQL. */
export { suppressFootfall, type PublishedFootfall } from './suppress-footfall.ts';
export {
  suppressDwell,
  suppressReturning,
  type PublishedDwell,
  type PublishedReturning,
} from './suppress-visitor-reports.ts';
export {
  suppressTopPaths,
  suppressTransitions,
  suppressOccupancy,
  type PublishedTopPaths,
  type PublishedTransitions,
  type PublishedOccupancy,
} from './suppress-movement.ts';
export { suppressCapture, type PublishedCapture, type PublishedCaptureCell } from './suppress-capture.ts';
export {
  publishCapture,
  publishDwell,
  publishFootfall,
  publishCoveredFootfall,
  publishOccupancy,
  publishReturning,
  publishTopPaths,
  publishTransitions,
  type PublishContext,
  type CoverageContext,
  type WithIntervals,
} from './publish-reports.ts';
