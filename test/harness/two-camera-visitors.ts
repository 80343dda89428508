/** Hand-made sightings for BI and report tests: each visitor seen at the entrance, then at the checkout 10 minutes later. */
import type { Sighting } from '../../schemas/index.ts';

const MIN = 60_000;

/** `n` visitors `${prefix}-i` of `site`, one second apart from `t`; each one 10-minute visit. */
export function twoCameraVisitors(site: string, prefix: string, n: number, t: number): Sighting[] {
  return Array.from({ length: n }, (_, i) =>
    [0, 10 * MIN].map((dt, k) => ({
      observationId: `${prefix}-${i}-${k}`,
      siteId: site,
      cameraId: k ? 'checkout' : 'entrance',
      identityId: `${prefix}-${i}`,
      tStartMs: t + i * 1000 + dt,
      tEndMs: t + i * 1000 + dt + 2000,
      similarity: 0.9,
      isNewIdentity: false,
      quality: 0.9,
      modelId: 'm',
      label: '',
    })),
  ).flat();
}
