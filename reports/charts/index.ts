/** Charts: vega-lite specs of the reports and their server-side rendering. */
export { dwellChart, footfallChart, identifiedShareText, newVsReturningChart, topPathsChart } from './chart-specs.ts';
export { captureChart } from './capture-chart.ts';
export { occupancyChart, transitionsChart } from './movement-charts.ts';
export type { ChartSize } from './chart-theme.ts';
export { renderChartSvg } from './render-chart-svg.ts';
export { PALETTE } from './chart-theme.ts';
