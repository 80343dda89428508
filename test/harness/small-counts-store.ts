/**
 * A small store written straight into embedded ClickHouse through the visit sink: two weeks of
 * mostly small hourly counts, returns (some the same day as a first visit) and camera paths, so
 * that every case of the suppression rule occurs. Tenant "sim" owns s1 and s2, tenant "other" x1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouseClient, type ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig, type RevisitConfig } from '../../common/config.ts';
import { createApp, hashApiKey } from '../../analytics-api/index.ts';
import { VisitMaintainer } from '../../reid-worker/visits/visit-maintainer.ts';
import { randomInt, seededRandom, type Random } from '../../common/seeded-random.ts';
import { type Sighting } from '../../schemas/index.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';

/** Keys: every site of sim, only s2 of sim, the other tenant, and sim keys with the higher roles. */
export const SMALL_KEYS = {
  all: 'small-key-sim-all',
  s2only: 'small-key-sim-s2',
  other: 'small-key-other',
  integrator: 'small-key-sim-integrator',
  admin: 'small-key-sim-admin',
} as const;

export interface SmallCountsStore {
  config: RevisitConfig;
  clickhouse: ClickHouseClient;
  app: ReturnType<typeof createApp>;
  /** The local days of s1 with visits, in order; the range is [days[0], the day after the last). */
  days: string[];
  to: string;
  close(): Promise<void>;
}

const MIN = 60_000;
const FIRST_DAY = Date.parse('2026-10-05T00:00:00Z'); // a Monday, long past: every visit is closed
/** Visits started per hour of a quiet day: mostly small, sometimes busy, so hours and days cross the threshold both ways. */
const HOURLY = [0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 9, 12, 16];

/** One visit: entrance, maybe the aisle, then the checkout, minutes apart (a visit lasts ≥ 2 min). */
function visitSightings(
  random: Random,
  site: string,
  identity: string,
  startMs: number,
  seq: { n: number },
): Sighting[] {
  const cameras = [
    'entrance',
    ...(random() < 0.6 ? ['aisle'] : []),
    ...(random() < 0.85 ? ['checkout'] : ['aisle', 'entrance']),
  ];
  let t = startMs;
  return cameras.map((cameraId) => {
    const s = {
      observationId: `${site}-o${seq.n++}`,
      siteId: site,
      cameraId,
      identityId: identity,
      tStartMs: t,
      tEndMs: t + 2000,
      similarity: 0.9,
      isNewIdentity: false,
      quality: 0.9,
      modelId: 'm',
      label: '',
    };
    t += randomInt(random, 2, 9) * MIN;
    return s;
  });
}

/**
 * New and returning visits to plan per hour of day `d`. Two days in three are quiet (mostly small
 * hours); every third day is busy with one hour of 2 visits (a lone small hour: its day is covered
 * by another hour), and the day after a quiet one is busy with one hour of only 2 returning visits
 * (a lone split: another hour hides its split too).
 */
function hourPlan(random: Random, d: number, busy: number): Array<{ hour: number; fresh: number; back: number }> {
  if (d % 3 === 0 || busy < 1) {
    return Array.from({ length: 12 }, (_, i) => {
      const n = Math.round(HOURLY[randomInt(random, 0, HOURLY.length - 1)] * busy);
      const back = Array.from({ length: n }, () => random() < 0.35).filter(Boolean).length;
      return { hour: 8 + i, fresh: n - back, back };
    });
  }
  const odd = 10 + (d % 6);
  return Array.from({ length: 6 }, (_, i) => {
    const hour = 10 + i;
    if (hour === odd)
      return d % 3 === 2 ? { hour, fresh: 1, back: 1 } : { hour, fresh: 7 + randomInt(random, 0, 3), back: 2 };
    return { hour, fresh: 6 + randomInt(random, 0, 4), back: 5 + randomInt(random, 0, 2) };
  });
}

/** `days` days of one site: returning visitors come from the pool of earlier ones, a few come twice in a day. */
function planSite(site: string, days: number, busy: number, seed: number): Sighting[] {
  const random = seededRandom(seed);
  const seen: string[] = [];
  const seq = { n: 0 };
  const out: Sighting[] = [];
  let people = 0;
  for (let d = 0; d < days; d++) {
    // Returning visitors of the day: distinct, in a shuffled order of the pool.
    const pool = [...seen].sort(() => random() - 0.5);
    for (const { hour, fresh, back } of hourPlan(random, d, busy)) {
      const comers = [...Array.from({ length: fresh }, () => `${site}-p${people++}`), ...pool.splice(0, back)];
      for (const identity of comers) {
        const start = FIRST_DAY + d * 86_400_000 + hour * 3_600_000 + randomInt(random, 0, 30) * MIN;
        out.push(...visitSightings(random, site, identity, start, seq));
        // A few come back after lunch: a second visit the same day (a first visit and a return, for some).
        if (d % 3 === 0 && hour < 14 && random() < 0.06)
          out.push(...visitSightings(random, site, identity, start + 4 * 3_600_000, seq));
        if (!seen.includes(identity)) seen.push(identity);
      }
    }
  }
  return out.sort((a, b) => a.tStartMs - b.tStartMs);
}

export async function startSmallCountsStore(overrides: { minCount?: number } = {}): Promise<SmallCountsStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'revisit-small-'));
  const config = loadConfig(
    {
      dataDir,
      sites: [
        { id: 's1', name: 'Store One', tenant: 'sim', timezone: 'UTC' },
        { id: 's2', name: 'Store Two', tenant: 'sim', timezone: 'UTC' },
        { id: 'x1', name: 'Other Co', tenant: 'other', timezone: 'UTC' },
      ],
      privacy: { minCount: overrides.minCount ?? 5 },
      api: {
        keys: [
          { tenant: 'sim', sha256: hashApiKey(SMALL_KEYS.all) },
          { tenant: 'sim', sha256: hashApiKey(SMALL_KEYS.s2only), sites: ['s2'] },
          { tenant: 'other', sha256: hashApiKey(SMALL_KEYS.other) },
          { tenant: 'sim', sha256: hashApiKey(SMALL_KEYS.integrator), role: 'integrator' },
          { tenant: 'sim', sha256: hashApiKey(SMALL_KEYS.admin), role: 'admin' },
        ],
      },
    },
    {},
  );
  const clickhouse = await createClickHouseClient(config);
  try {
    await applyMigrations(clickhouse);
    const sink = new VisitMaintainer(clickhouse, config);
    const sightings = [...planSite('s1', 14, 1, 7), ...planSite('s2', 3, 0.5, 8), ...planSite('x1', 3, 2, 9)].sort(
      (a, b) => a.tStartMs - b.tStartMs,
    );
    for (let i = 0; i < sightings.length; i += 500) await sink.update(sightings.slice(i, i + 500));
    await sink.sweep();
    const days = Array.from({ length: 14 }, (_, d) => new Date(FIRST_DAY + d * 86_400_000).toISOString().slice(0, 10));
    return {
      config,
      clickhouse,
      app: createApp({ config, clickhouse }),
      days,
      to: new Date(FIRST_DAY + 14 * 86_400_000).toISOString().slice(0, 10),
      close: async () => {
        await clickhouse.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await clickhouse.close();
    throw err;
  }
}
