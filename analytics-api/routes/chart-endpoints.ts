/** Charts as API resources: vega-lite specs of the published reports with their data inline, the same specs the PDF digest prints. */
import type { TopLevelSpec } from 'vega-lite';
import {
  captureChart,
  dwellChart,
  footfallChart,
  newVsReturningChart,
  occupancyChart,
  topPathsChart,
  transitionsChart,
} from '../../reports/charts/index.ts';
import {
  publishCapture,
  publishDwell,
  publishCoveredFootfall,
  publishOccupancy,
  publishTopPaths,
  publishTransitions,
} from '../../reports/index.ts';
import type { ReportContext } from './report-endpoints.ts';

export interface ChartEndpoint {
  name: string;
  summary: string;
  spec(ctx: ReportContext): Promise<TopLevelSpec>;
}

export const CHART_ENDPOINTS: ChartEndpoint[] = [
  {
    name: 'footfall',
    summary: 'Unique visitors and visits per hour, day or week',
    spec: async (x) => footfallChart(await publishCoveredFootfall(x, x.query.granularity), x.query.granularity),
  },
  {
    name: 'new-vs-returning',
    summary: 'New and returning visits per hour, day or week',
    spec: async (x) => newVsReturningChart(await publishCoveredFootfall(x, x.query.granularity), x.query.granularity),
  },
  { name: 'dwell', summary: 'Dwell time histogram', spec: async (x) => dwellChart(await publishDwell(x)) },
  { name: 'paths', summary: 'Top paths', spec: async (x) => topPathsChart(await publishTopPaths(x)) },
  {
    name: 'transitions',
    summary: 'Transitions between cameras',
    spec: async (x) => transitionsChart(await publishTransitions(x)),
  },
  {
    name: 'capture',
    summary: 'Capture rate per camera: the share of face tracks identified',
    spec: async (x) => captureChart(await publishCapture(x)),
  },
  {
    name: 'occupancy',
    summary: 'Occupancy through the day',
    spec: async (x) =>
      occupancyChart(
        await publishOccupancy(x, { nowMs: x.nowMs, visitGapMs: x.rules.visitGapMs, entryMinMs: x.rules.entryMinMs }),
      ),
  },
];
