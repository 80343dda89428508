/**
 * The data the attack suite runs against, as sightings: tenant acme with two sites (the attacker
 * may read acme-north only), tenant bolt with one, canary identities in the raw rows of the sites
 * the attacker must not reach, and the figures each key should see.
 */
import type { Sighting } from '../../schemas/index.ts';

export const SITES = [
  { id: 'acme-north', name: 'Acme North', tenant: 'acme', timezone: 'UTC' },
  { id: 'acme-south', name: 'Acme South', tenant: 'acme', timezone: 'UTC' },
  { id: 'bolt-central', name: 'Bolt Central', tenant: 'bolt', timezone: 'UTC' },
];
export const OWN_SITE = 'acme-north';
/** Sites the attacker's key may not read: its tenant's other site and the other tenant's. */
export const FOREIGN_SITES = ['acme-south', 'bolt-central'];

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface SeedPlan {
  sightings: Sighting[];
  /** Prefix of every seeded identity id: none may ever show in an answer or a log line. */
  identityPrefix: string;
  /** The canary identities in the raw rows of acme-south and bolt-central. */
  canaryIds: string[];
  /** Local dates (UTC sites): yesterday and the day before. */
  day1: string;
  day2: string;
  /** Days of one-visitor hours at acme-north before day2: rows enough for a cross join no limit lets finish. */
  historyDays: number;
}

/**
 * acme-north: day2 at 10:00 six new visitors (r0, r1, w0–w3); day1 at 09:00 seven (v0–v4 new, r0
 * and r1 returning) and at 11:00 three new (v5–v7) — so day1 has 10 visitors, 8 new, 2 returning
 * (below the minimum of 5: suppressed) and an hour of 3 (suppressed); before day2, 60 days of one
 * visitor an hour. acme-south: 8 visitors on day1, bolt-central: 9, a canary identity among each.
 */
export function planTwoTenantSeed(runId: string, canaryIds: [string, string], nowMs = Date.now()): SeedPlan {
  const identityPrefix = `id${runId}`;
  const midnight = (daysAgo: number) => Math.floor(nowMs / DAY) * DAY - daysAgo * DAY;
  const sightings: Sighting[] = [];
  /** One 10-minute visit: entrance, then checkout (a transition, a counted dwell). */
  const visit = (siteId: string, identityId: string, startMs: number) => {
    for (const [k, cameraId] of ['entrance', 'checkout'].entries()) {
      sightings.push({
        observationId: `ob${runId}-${siteId}-${identityId}-${startMs}-${k}`,
        siteId,
        cameraId,
        identityId,
        tStartMs: startMs + k * 10 * MIN,
        tEndMs: startMs + k * 10 * MIN + 2000,
        similarity: 0.9,
        isNewIdentity: false,
        quality: 0.9,
        modelId: 'm',
        label: '',
      });
    }
  };
  const person = (site: string, name: string) => `${identityPrefix}-${site}-${name}`;
  const historyDays = 60;
  for (let d = historyDays + 2; d > 2; d--)
    for (let h = 8; h < 20; h++) visit(OWN_SITE, person(OWN_SITE, `h${d}-${h}`), midnight(d) + h * HOUR);
  ['r0', 'r1', 'w0', 'w1', 'w2', 'w3'].forEach((n, i) =>
    visit(OWN_SITE, person(OWN_SITE, n), midnight(2) + 10 * HOUR + i * MIN),
  );
  ['v0', 'v1', 'v2', 'v3', 'v4', 'r0', 'r1'].forEach((n, i) =>
    visit(OWN_SITE, person(OWN_SITE, n), midnight(1) + 9 * HOUR + i * MIN),
  );
  ['v5', 'v6', 'v7'].forEach((n, i) => visit(OWN_SITE, person(OWN_SITE, n), midnight(1) + 11 * HOUR + i * MIN));
  for (let i = 0; i < 7; i++) visit('acme-south', person('acme-south', `s${i}`), midnight(1) + 10 * HOUR + i * MIN);
  visit('acme-south', canaryIds[0], midnight(1) + 10 * HOUR + 30 * MIN);
  for (let i = 0; i < 8; i++) visit('bolt-central', person('bolt-central', `b${i}`), midnight(1) + 9 * HOUR + i * MIN);
  visit('bolt-central', canaryIds[1], midnight(1) + 9 * HOUR + 30 * MIN);
  const date = (daysAgo: number) => new Date(midnight(daysAgo)).toISOString().slice(0, 10);
  return { sightings, identityPrefix, canaryIds, day1: date(1), day2: date(2), historyDays };
}
