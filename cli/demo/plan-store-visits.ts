/** Plans a simulated store's visits: who comes when, past which cameras, who returns. Pure and seeded. */
import { randomInt, type Random } from '../../common/seeded-random.ts';

export const DEMO_CAMERAS = ['entrance', 'aisle', 'checkout'] as const;

export interface PlannedSighting {
  person: number;
  cameraId: string;
  tMs: number;
  day: number;
}

export interface StorePlan {
  sightings: PlannedSighting[];
  /** Truth: people per day and visits in all. */
  visitorsPerDay: number[];
  visits: number;
  returning: number;
}

const HOUR = 3600_000;
const MINUTE = 60_000;

/**
 * Every person visits on day 0 between 09:00 and 19:00; about `returnShare` of them come back on
 * day 1. A visit passes the entrance, usually an aisle camera, and the checkout, minutes apart.
 */
export function planStoreVisits(
  people: number,
  days: number,
  firstDayMs: number,
  random: Random,
  returnShare = 0.4,
): StorePlan {
  const sightings: PlannedSighting[] = [];
  const visitorsPerDay = Array.from({ length: days }, () => 0);
  let visits = 0;
  let returning = 0;
  for (let person = 0; person < people; person++) {
    for (let day = 0; day < days; day++) {
      if (day > 0 && random() >= returnShare) continue;
      if (day > 0) returning++;
      visits++;
      visitorsPerDay[day]++;
      let t = firstDayMs + day * 24 * HOUR + randomInt(random, 9, 18) * HOUR + randomInt(random, 0, 59) * MINUTE;
      for (const cameraId of DEMO_CAMERAS) {
        if (cameraId === 'aisle' && random() < 0.3) continue;
        sightings.push({ person, cameraId, tMs: t, day });
        t += randomInt(random, 2, 15) * MINUTE;
      }
    }
  }
  sightings.sort((a, b) => a.tMs - b.tMs);
  return { sightings, visitorsPerDay, visits, returning };
}
