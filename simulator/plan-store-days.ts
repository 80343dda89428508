/** Plans a simulated store: who comes on which local day, when, past which cameras, for how long; staff too. Pure and seeded. */
import { randomInt, type Random } from '../common/seeded-random.ts';
import { localMidnightMs } from '../storage/visit-model/local-day.ts';

export const STORE_CAMERAS = ['entrance', 'zone-a', 'zone-b', 'zone-c', 'checkout'] as const;
const ZONES = ['zone-a', 'zone-b', 'zone-c'];

export interface PlannedSighting {
  /** Person index; staff come after the visitors. */
  person: number;
  cameraId: string;
  tStartMs: number;
  tEndMs: number;
}

export interface PlannedVisit {
  person: number;
  localDate: string;
  localHour: number;
  startMs: number;
  endMs: number;
  /** Collapsed camera path. */
  path: string[];
  /** A passer-by: shorter than the minimum visit. */
  bounce: boolean;
}

export interface StorePlan {
  firstDate: string;
  days: number;
  visitors: number;
  staff: number;
  visits: PlannedVisit[];
  sightings: PlannedSighting[];
}

/**
 * `store`: entrance, one to three zones each seen 1–3 times, usually the checkout (~5.7 sightings
 * a visit). `mall`: cameras at the entrances and along the corridors only — the entrance and two or
 * three corridors once each (3.5 sightings a visit), so a mall-sized month stays near two million.
 */
export type StoreLayout = 'store' | 'mall';

export interface StorePlanOptions {
  layout?: StoreLayout;
  visitors: number;
  days: number;
  staff: number;
  firstDate: string;
  timeZone: string;
  random: Random;
  /** Each visitor's chance to come on a given day is drawn from this range (default 10–60 %: a loyal clientele). */
  loyalty?: { min: number; max: number };
}

const MIN = 60_000;
/** Arrival weight per local hour 9..20: a retail day with lunch and after-work peaks. */
const HOUR_WEIGHTS = [3, 5, 6, 9, 8, 6, 6, 7, 9, 10, 7, 4];

/** `YYYY-MM-DD` plus `n` days. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

function pickHour(random: Random): number {
  let r = random() * HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  for (const [i, w] of HOUR_WEIGHTS.entries()) if ((r -= w) < 0) return 9 + i;
  return 20;
}

/** One visit's sightings, by layout (see StoreLayout). */
function planVisit(person: number, startMs: number, random: Random, layout: StoreLayout): PlannedSighting[] {
  const out: PlannedSighting[] = [];
  let t = startMs;
  const see = (cameraId: string, times: number) => {
    for (let i = 0; i < times; i++) {
      const lengthMs = randomInt(random, 2, 8) * 1000;
      out.push({ person, cameraId, tStartMs: t, tEndMs: t + lengthMs });
      t += lengthMs + randomInt(random, 20, 9 * 60) * 1000; // under the 30-min visit gap
    }
  };
  if (layout === 'mall') {
    see('entrance', 1);
    for (let z = randomInt(random, 2, 3); z > 0; z--) see(ZONES[randomInt(random, 0, ZONES.length - 1)], 1);
    return out;
  }
  see('entrance', randomInt(random, 1, 2));
  const zones = randomInt(random, 1, 3);
  for (let z = 0; z < zones; z++) see(ZONES[randomInt(random, 0, ZONES.length - 1)], randomInt(random, 1, 3));
  if (random() < 0.7) see('checkout', 1);
  return out;
}

function collapse(cameras: string[]): string[] {
  return cameras.filter((c, i) => i === 0 || c !== cameras[i - 1]);
}

/**
 * Each visitor has a loyalty (chance to come on a given day, 10–60 % unless set) and comes at most once a
 * day, between 09:00 and 21:00 local; 10 % of visits are passers-by seen once at the entrance.
 * Staff are in every day from 08:30 to 20:30, seen every 10–25 minutes anywhere.
 */
export function planStoreDays(o: StorePlanOptions): StorePlan {
  const { random } = o;
  const visits: PlannedVisit[] = [];
  const sightings: PlannedSighting[] = [];
  const { min, max } = o.loyalty ?? { min: 0.1, max: 0.6 };
  const loyalty = Array.from({ length: o.visitors }, () => min + (max - min) * random());
  for (let day = 0; day < o.days; day++) {
    const date = addDays(o.firstDate, day);
    const midnight = localMidnightMs(date, o.timeZone);
    for (let person = 0; person < o.visitors; person++) {
      if (random() >= loyalty[person]) continue;
      const hour = pickHour(random);
      const startMs = midnight + hour * 3600_000 + randomInt(random, 0, 59) * MIN + randomInt(random, 0, 59) * 1000;
      const bounce = random() < 0.1;
      const mine = bounce
        ? [{ person, cameraId: 'entrance', tStartMs: startMs, tEndMs: startMs + randomInt(random, 2, 20) * 1000 }]
        : planVisit(person, startMs, random, o.layout ?? 'store');
      sightings.push(...mine);
      const endMs = Math.max(...mine.map((s) => s.tEndMs));
      visits.push({
        person,
        localDate: date,
        localHour: hour,
        startMs,
        endMs,
        path: collapse(mine.map((s) => s.cameraId)),
        bounce: bounce || endMs - startMs < MIN,
      });
    }
    for (let k = 0; k < o.staff; k++) {
      const person = o.visitors + k;
      for (let t = midnight + 8.5 * 3600_000; t < midnight + 20.5 * 3600_000; t += randomInt(random, 10, 25) * MIN) {
        sightings.push({
          person,
          cameraId: STORE_CAMERAS[randomInt(random, 0, STORE_CAMERAS.length - 1)],
          tStartMs: t,
          tEndMs: t + 5000,
        });
      }
    }
  }
  sightings.sort((a, b) => a.tStartMs - b.tStartMs || a.person - b.person);
  return { firstDate: o.firstDate, days: o.days, visitors: o.visitors, staff: o.staff, visits, sightings };
}
