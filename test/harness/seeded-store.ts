/** A running embedded Revisit with a simulated store already through the pipeline, for API, dashboard and digest tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../common/config.ts';
import { generateEncryptionKeys } from '../../identity-registry/index.ts';
import { openRuntime, type Runtime } from '../../runtime/open-runtime.ts';
import { hashApiKey, serveApi, type RunningApi } from '../../analytics-api/index.ts';
import { truthOf } from '../../simulator/score-store-reports.ts';
import { seedSimulatedStore, type SeededStore, type SeedOptions } from '../../simulator/seed-simulated-store.ts';
import type { RevisitConfigInput } from '../../schemas/index.ts';

/** Keys of the seeded deployment: tenant "sim" owns s1 and s2, tenant "other" owns x1. */
export const KEYS = {
  all: 'key-sim-all-sites',
  s2only: 'key-sim-s2-only',
  other: 'key-other-tenant',
  admin: 'key-sim-admin',
} as const;

export interface SeededDeployment extends SeededStore {
  runtime: Runtime;
  truth: ReturnType<typeof truthOf>;
  close(): Promise<void>;
}

/** `seed` changes the simulated store of s1 (e.g. heartbeats and a camera outage). */
export async function startSeededDeployment(
  overrides: RevisitConfigInput = {},
  seed: Partial<SeedOptions> = {},
): Promise<SeededDeployment> {
  const dataDir = mkdtempSync(join(tmpdir(), 'revisit-seeded-'));
  const config = loadConfig(
    {
      dataDir,
      encryption: generateEncryptionKeys(),
      sites: [
        { id: 's1', name: 'Store One', tenant: 'sim', timezone: 'Europe/Berlin' },
        { id: 's2', name: 'Store Two', tenant: 'sim', timezone: 'Europe/Berlin' },
        { id: 'x1', name: 'Other Co', tenant: 'other', timezone: 'UTC' },
      ],
      api: {
        keys: [
          { tenant: 'sim', sha256: hashApiKey(KEYS.all) },
          { tenant: 'sim', sha256: hashApiKey(KEYS.s2only), sites: ['s2'] },
          { tenant: 'other', sha256: hashApiKey(KEYS.other) },
          { tenant: 'sim', sha256: hashApiKey(KEYS.admin), role: 'admin' },
        ],
      },
      ...overrides,
    },
    {},
  );
  const runtime = await openRuntime(config);
  try {
    const seeded = await seedSimulatedStore(runtime, config.sites[0], {
      visitors: 40,
      days: 3,
      seed: 5,
      staff: 1,
      mode: 'perfect',
      ...seed,
    });
    return {
      ...seeded,
      runtime,
      truth: truthOf(seeded.plan),
      close: async () => {
        await runtime.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await runtime.close();
    throw err;
  }
}

/** The seeded deployment's API on a free port (BI listener too), for browser tests. */
export function serveSeededApi(store: SeededDeployment): Promise<RunningApi> {
  const config = store.runtime.config;
  return serveApi({
    config: { ...config, api: { ...config.api, port: 0 }, bi: { ...config.bi, port: 0 } },
    clickhouse: store.runtime.clickhouse,
  });
}
