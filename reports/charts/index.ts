/** Charts: vega-lite specs of the reports and their server-side rendering. */
export { captureChart, dwellChart, footfallChart, identifiedShareText, newVsReturningChart, occupancyChart, topPathsChart, transitionsChart, type ChartSize } from './chart-specs.ts';
export { renderChartSvg } from './render-chart-svg.ts';
export { PALETTE } from './chart-theme.ts';
