// vega-statistics ships no types; this is the part of its API the calibration uses.
declare module 'vega-statistics' {
  /** P(X ≤ value) for X ~ N(mean, stdev²); accurate in the lower tail (use the mirror for the upper one). */
  export function cumulativeNormal(value: number, mean?: number, stdev?: number): number;
  /** The p-quantile of N(mean, stdev²). */
  export function quantileNormal(p: number, mean?: number, stdev?: number): number;
}
