/** The demo's chain: weeks of simulated history for more stores, through the real worker, with camera heartbeats and outages. */
import type { Runtime } from '../../runtime/open-runtime.ts';
import type { SiteConfig } from '../../schemas/index.ts';
import { addDays } from '../../simulator/plan-store-days.ts';
import { seedSimulatedStore } from '../../simulator/seed-simulated-store.ts';
import { localDate, localMidnightMs } from '../../storage/visit-model/local-day.ts';

/** Four weeks: a month view, week-on-week comparisons and the chain's sparklines have something to show. */
export const HISTORY_DAYS = 28;
/**
 * A high street's clientele: most people come now and then (0.5–6 % of days, ~3 % on average), so
 * a store of 2400 people sees ~80 visits a day and a fortnight has new faces as well as regulars.
 */
const HIGH_STREET_LOYALTY = { min: 0.005, max: 0.06 };
const HOUR_MS = 3_600_000;

/** A simulated store of the chain and the people who may come to it. */
interface ChainStore {
  site: { id: string; name: string; tenant: string; timezone: string; simulated: true };
  visitors: number;
}

/** The stores besides the real-photo one; marked simulated, so every screen and digest says so. */
export const CHAIN_STORES: ChainStore[] = [
  {
    site: { id: 'city-centre', name: 'City centre', tenant: 'demo', timezone: 'Europe/Berlin', simulated: true },
    visitors: 2400,
  },
  {
    site: { id: 'riverside', name: 'Riverside mall', tenant: 'demo', timezone: 'Europe/Berlin', simulated: true },
    visitors: 1400,
  },
];

/**
 * Seeds each chain store with `HISTORY_DAYS` days ending yesterday. Riverside has the outages a
 * real chain has: its checkout camera down one afternoon, and a power cut that blinded every
 * camera for two hours, so the dashboard shows what "no data" looks like next to a real zero.
 */
export async function seedDemoChain(
  runtime: Runtime,
  seed: number,
  onProgress: (site: string, done: number, total: number) => void,
): Promise<void> {
  for (const [i, store] of CHAIN_STORES.entries()) {
    const site = runtime.config.sites.find((s) => s.id === store.site.id) as SiteConfig;
    const yesterday = addDays(localDate(Date.now(), site.timezone), -1);
    const at = (daysAgo: number, hour: number) =>
      localMidnightMs(addDays(yesterday, 1 - daysAgo), site.timezone) + hour * HOUR_MS;
    const outages =
      i === 1
        ? [
            { cameraIds: ['checkout'], fromMs: at(9, 13), toMs: at(9, 17) },
            { fromMs: at(4, 11), toMs: at(4, 13) },
          ]
        : [];
    await seedSimulatedStore(runtime, site, {
      visitors: store.visitors,
      days: HISTORY_DAYS,
      lastDate: yesterday,
      seed: seed + i,
      staff: 3,
      loyalty: HIGH_STREET_LOYALTY,
      heartbeats: { outages },
      onProgress: (done, total) => onProgress(site.id, done, total),
    });
  }
}
