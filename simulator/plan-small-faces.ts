/** Which planned sightings a camera sees too small to identify: per camera, a share of the visits whose faces pass too far from it. Pure and seeded. */
import type { Random } from '../common/seeded-random.ts';
import type { PlannedSighting } from './plan-store-days.ts';

/**
 * Per camera, the share of visitors' visits in which it sees the face too small (a ceiling or
 * doorway camera: those walking on its far side). Whether a face is too small depends on where
 * someone walks, not on who they are: one draw per visit and camera, shared by all its sightings.
 */
export type SmallFaceShares = Record<string, number>;

/**
 * The realistic store: a third of the visitors pass the entrance camera too far for a usable face,
 * and a third of those at the checkout. (A zone camera that sees half its faces too small also
 * shortens visits below the minimum visit: −1.7 % of visits, docs/calibration.md.)
 */
export const STORE_SMALL_FACES: SmallFaceShares = { entrance: 0.35, checkout: 0.3 };

/** A day in ms: one visit per person and local day (the plan's rule). */
const DAY_MS = 86_400_000;

/**
 * Indices of the sightings seen too small. Only visitors (persons below `visitors`): enrolled staff
 * are assumed identifiable at every camera — unidentified staff at an entrance would count as
 * visitors, as they would in a store.
 */
export function planSmallFaces(
  sightings: PlannedSighting[],
  visitors: number,
  shares: SmallFaceShares,
  random: Random,
): Set<number> {
  const draws = new Map<string, boolean>();
  const small = new Set<number>();
  sightings.forEach((s, i) => {
    const share = shares[s.cameraId] ?? 0;
    if (s.person >= visitors || share <= 0) return;
    const key = `${s.person}|${Math.floor(s.tStartMs / DAY_MS)}|${s.cameraId}`;
    if (!draws.has(key)) draws.set(key, random() < share);
    if (draws.get(key)) small.add(i);
  });
  return small;
}
