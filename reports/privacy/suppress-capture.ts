/** Suppression of the capture-rate report: tracks per camera and hour, identified and not, with their sums per camera. */
import type { CaptureCell, CaptureRate } from '../queries/capture-rate.ts';
import { HiddenFigures, isSmall, protectSum, type SumCell, type SuppressionMarks } from './small-counts.ts';

export interface PublishedCaptureCell {
  camera: string;
  /** Local hour `YYYY-MM-DD HH:00`; '' for a camera's whole range. */
  period: string;
  tracks: number | null;
  identified: number | null;
  unidentified: number | null;
  /** identified / tracks: the capture rate (null with its counts). */
  identifiedShare: number | null;
}

export interface PublishedCapture extends SuppressionMarks {
  hours: PublishedCaptureCell[];
  cameras: PublishedCaptureCell[];
}

interface Cells {
  tracks: SumCell;
  identified: SumCell;
  unidentified: SumCell;
}

function cellsOf(c: CaptureCell, minCount: number): Cells {
  const tracks = c.identified + c.unidentified;
  const hideTracks = isSmall(tracks, minCount);
  const hideParts = hideTracks || isSmall(c.identified, minCount) || isSmall(c.unidentified, minCount);
  return {
    tracks: { value: tracks, hidden: hideTracks },
    identified: { value: c.identified, hidden: hideParts },
    unidentified: { value: c.unidentified, hidden: hideParts },
  };
}

/**
 * Tracks are people passing a camera, so the rule of every count applies: a small count is hidden
 * with whatever would give it away — within a cell (tracks = identified + unidentified: a hidden
 * part hides the other), and per camera, each of the three against its sum over the hours.
 */
export function suppressCapture(r: CaptureRate, minCount: number): PublishedCapture {
  const hours = r.hours.map((h) => cellsOf(h, minCount));
  const cameras = r.cameras.map((c) => cellsOf(c, minCount));
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of [...hours, ...cameras]) {
      changed = protectSum(c.tracks, [c.identified, c.unidentified]) || changed;
      // Either part gives the other away through the shown tracks.
      if (c.identified.hidden !== c.unidentified.hidden)
        (c.identified.hidden = c.unidentified.hidden = true), (changed = true);
    }
    r.cameras.forEach((camera, i) => {
      const mine = hours.filter((_, j) => r.hours[j].camera === camera.camera);
      for (const key of ['tracks', 'identified', 'unidentified'] as const) {
        changed =
          protectSum(
            cameras[i][key],
            mine.map((h) => h[key]),
          ) || changed;
      }
    });
  }
  const hidden = new HiddenFigures(minCount);
  const publish = (c: CaptureCell, cells: Cells, ...at: Array<string | number>): PublishedCaptureCell => {
    const tracks = hidden.figure(cells.tracks.value, cells.tracks.hidden, ...at, 'tracks');
    const identified = hidden.figure(c.identified, cells.identified.hidden, ...at, 'identified');
    const unidentified = hidden.figure(c.unidentified, cells.unidentified.hidden, ...at, 'unidentified');
    const share = cells.tracks.value > 0 ? c.identified / cells.tracks.value : 0;
    return {
      camera: c.camera,
      period: c.period,
      tracks,
      identified,
      unidentified,
      identifiedShare: hidden.figure(share, identified === null || tracks === null, ...at, 'identifiedShare'),
    };
  };
  return {
    hours: r.hours.map((h, i) => publish(h, hours[i], 'hours', i)),
    cameras: r.cameras.map((c, i) => publish(c, cameras[i], 'cameras', i)),
    ...hidden.marks(),
  };
}
