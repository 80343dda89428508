/** Coverage: which hours the cameras watched, the full time axis of reports, and when periods may be compared. */
export { completeFootfallAxis, type CoveredBucket, type CoveredFootfall } from './complete-footfall-axis.ts';
export {
  comparePeriods,
  periodStateOf,
  previousPeriodOf,
  REFUSAL_TEXT,
  type Comparison,
  type ComparisonRefusal,
  type DateRange,
  type PeriodState,
} from './compare-periods.ts';
export {
  cameraStatuses,
  elapsedHours,
  hourCoverage,
  meanCoverage,
  type CameraStatus,
  type LocalHour,
} from './hour-coverage.ts';
