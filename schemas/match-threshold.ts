/** Which match threshold a camera runs with: its own, else its site's, else the `matching` section's. */
import type { RevisitConfig } from './config.schema.ts';

/** The threshold of one camera of a site (per-camera thresholds, e.g. from `revisit calibrate --live`). */
export function matchThresholdOf(
  config: Pick<RevisitConfig, 'matching' | 'sites'>,
  siteId: string,
  cameraId?: string,
): number {
  const site = config.sites.find((s) => s.id === siteId);
  return (
    (cameraId === undefined ? undefined : site?.cameraMatchMinCosine?.[cameraId]) ??
    site?.matchMinCosine ??
    config.matching.matchMinCosine
  );
}
