/** Runs a simulated store through the real pipeline (bus → re-id worker → ClickHouse) and scores the reports. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../common/config.ts';
import { generateEncryptionKeys } from '../identity-registry/index.ts';
import { openRuntime } from '../runtime/open-runtime.ts';
import { queryDwellDistribution, queryFootfall, queryReturningVisitors, queryTopPaths } from '../reports/index.ts';
import type { StorePlan } from './plan-store-days.ts';
import { scoreStoreReports, type StoreEvalResult, type StoreReports } from './score-store-reports.ts';
import { seedSimulatedStore, type SeedOptions } from './seed-simulated-store.ts';

export type StoreSimulationOptions = SeedOptions;

export interface StoreSimulation {
  result: StoreEvalResult;
  plan: StorePlan;
  reports: StoreReports;
}

/** The simulated store's site: its entrance and checkout cameras join door tracks to visits. */
export const SIMULATED_STORE_SITE = {
  id: 'sim-store',
  name: 'Simulated store',
  tenant: 'sim',
  timezone: 'Europe/Berlin',
  entranceCameras: ['entrance'],
  exitCameras: ['checkout'],
};

/** On the embedded defaults in a fresh temporary data directory, removed afterwards, with a throwaway key. */
export async function runStoreSimulation(o: StoreSimulationOptions): Promise<StoreSimulation> {
  const dataDir = mkdtempSync(join(tmpdir(), 'revisit-sim-'));
  // Days of stream pass in minutes here: the worker's re-clustering, paced by wall time in
  // production (every 5 min, i.e. many times per store hour), runs after every batch instead.
  const config = loadConfig(
    { dataDir, sites: [SIMULATED_STORE_SITE], encryption: generateEncryptionKeys(), matching: { reclusterEveryMs: 1 } },
    {},
  );
  const runtime = await openRuntime(config);
  try {
    const { plan, range } = await seedSimulatedStore(runtime, SIMULATED_STORE_SITE, o);
    const [hourly, returning, dwell, paths] = await Promise.all([
      queryFootfall(runtime.clickhouse, range, 'hour'),
      queryReturningVisitors(runtime.clickhouse, range),
      queryDwellDistribution(runtime.clickhouse, range),
      queryTopPaths(runtime.clickhouse, range, 5),
    ]);
    const reports = { hourly, returning, dwell, paths };
    return { result: scoreStoreReports(plan, reports), plan, reports };
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
