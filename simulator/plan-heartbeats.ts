/** The heartbeats a simulated store's cameras send, and what an outage takes away: no heartbeats and no sightings. */
import type { CameraHeartbeat } from '../schemas/index.ts';
import { STORE_CAMERAS, type StorePlan } from './plan-store-days.ts';

/** Cameras (all when unset) that see nothing and send no heartbeat from `fromMs` to `toMs`. */
export interface CameraOutage {
  cameraIds?: string[];
  fromMs: number;
  toMs: number;
}

/** How often the simulated cameras vouch for their work: as a camera worker at its default would, every minute or so. */
const BEAT_MS = 10 * 60_000;
/** Frames a simulated camera analyses per beat (5 fps). */
const FRAMES_PER_BEAT = 5 * 600;

function isDown(outages: CameraOutage[], cameraId: string, tStartMs: number, tEndMs: number): boolean {
  return outages.some(
    (o) => (!o.cameraIds || o.cameraIds.includes(cameraId)) && tStartMs < o.toMs && tEndMs > o.fromMs,
  );
}

/** One heartbeat per camera per interval from `fromMs` to `toMs`, none for a camera while it is down. */
export function plannedHeartbeats(p: {
  siteId: string;
  fromMs: number;
  toMs: number;
  outages?: CameraOutage[];
  cameras?: readonly string[];
}): CameraHeartbeat[] {
  const out: CameraHeartbeat[] = [];
  for (const cameraId of p.cameras ?? STORE_CAMERAS) {
    for (let t = p.fromMs; t < p.toMs; t += BEAT_MS) {
      const end = Math.min(t + BEAT_MS, p.toMs);
      if (!isDown(p.outages ?? [], cameraId, t, end))
        out.push({ siteId: p.siteId, cameraId, tStartMs: t, tEndMs: end, framesAnalysed: FRAMES_PER_BEAT });
    }
  }
  return out;
}

/** The plan as cameras saw it: sightings by a camera while it was down are gone (visits whose sightings all went are gone too). */
export function withoutOutages(plan: StorePlan, outages: CameraOutage[]): StorePlan {
  const sightings = plan.sightings.filter((s) => !isDown(outages, s.cameraId, s.tStartMs, s.tEndMs));
  const seen = new Set(sightings.map((s) => s.person));
  const visits = plan.visits.filter(
    (v) =>
      seen.has(v.person) &&
      sightings.some((s) => s.person === v.person && s.tStartMs >= v.startMs && s.tStartMs <= v.endMs),
  );
  return { ...plan, sightings, visits };
}
