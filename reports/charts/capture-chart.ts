/** The capture-rate chart: per camera, the share of its face tracks identified (the rest were seen, not identified). */
import type { TopLevelSpec } from 'vega-lite';
import type { PublishedCapture } from '../privacy/index.ts';
import { type ChartSize, greyWhenHidden, hiddenNote, PALETTE, themed } from './chart-theme.ts';

const SUBTITLE =
  "share of each camera's face tracks identified; the others were seen, not identified (too small, blurred, turned away)";

/** Capture rate per camera: the share of its face tracks identified, with the tracks behind it. */
export function captureChart(c: PublishedCapture, size?: ChartSize): TopLevelSpec {
  const values = c.cameras.map((x) => ({
    camera: x.camera,
    bar: x.identifiedShare === null ? 1 : Math.round(100 * x.identifiedShare),
    hidden: x.identifiedShare === null,
    shown: x.identifiedShare === null ? 'hidden' : `${Math.round(100 * x.identifiedShare)} % of ${x.tracks} tracks`,
  }));
  return themed(
    'Capture rate',
    values.some((v) => v.hidden) ? [SUBTITLE, hiddenNote(c.minCount)] : SUBTITLE,
    {
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'camera', type: 'nominal', title: null },
        x: { field: 'bar', type: 'quantitative', title: '% identified', scale: { domain: [0, 100] } },
        color: greyWhenHidden({ value: PALETTE.visitors }),
        tooltip: [{ field: 'camera' }, { field: 'shown', title: 'identified' }],
      },
    },
    { height: Math.max(60, 22 * values.length), ...size },
  );
}
