/** The BI plane of one API process: how engines are confined, the engine pool, per-key admission. */
import { existsSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { configFilePath, type RevisitConfig } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { BiAdmission } from './bi-admission.ts';
import { biIsolatedGauge } from './bi-metrics.ts';
import { BiEnginePool } from './sandbox/bi-engine-pool.ts';
import { detectBiIsolation, type BiIsolation } from './sandbox/bi-isolation.ts';
import { BiSandbox } from './sandbox/bi-sandbox.ts';
import { exportBiSnapshot } from '../../storage/bi-views.ts';

export interface BiStatus {
  isolation: BiIsolation['kind'];
  /** Set when engines are plain processes: what they can reach that they should not. */
  missing?: string;
  engines: number;
  busy: number;
  queued: number;
}

export interface BiService {
  readonly config: RevisitConfig;
  readonly pool: BiEnginePool<BiSandbox>;
  readonly admission: BiAdmission;
  status(): BiStatus;
  close(): Promise<void>;
}

/** The key file's folder (it holds nothing else: identity-registry/open-key-file.ts), or the file alone where the folder holds the code. */
function keyFilePaths(keysFile: string | undefined, code: string): string[] {
  if (!keysFile) return [];
  const file = resolve(keysFile);
  const dir = dirname(file);
  if (existsSync(dir) && !(code + sep).startsWith(dir + sep)) return [dir];
  return existsSync(file) ? [file] : [];
}

/**
 * What an engine must not see: the data directory (embedded ClickHouse with every tenant's raw rows,
 * the Redis append-only file and the API key file live there), the encryption key file and the
 * configuration file (it can hold encryption keys and passwords). Refuses a data directory that
 * holds the code the engine runs.
 */
export function hiddenPaths(config: RevisitConfig, configFile = configFilePath()): string[] {
  const code = fileURLToPath(new URL('../..', import.meta.url));
  const dataDir = resolve(config.dataDir);
  if ((code + sep).startsWith(dataDir + sep))
    throw new Error(`BI engines hide ${dataDir}, which holds the code they run: use a data directory outside ${code}`);
  return outermost([
    dataDir,
    ...keyFilePaths(config.encryption.keysFile, code),
    ...(configFile && existsSync(configFile) ? [configFile] : []),
  ]);
}

/**
 * Drops paths inside another hidden directory (the configuration file beside the key file, say):
 * covering the directory hides them already, and once it is covered they are no mount point.
 */
function outermost(paths: string[]): string[] {
  const unique = [...new Set(paths)];
  return unique.filter((p) => !unique.some((q) => q !== p && p.startsWith(q + sep)));
}

export async function openBiService(config: RevisitConfig, clickhouse: ClickHouseClient): Promise<BiService> {
  const logger = createLogger('bi-engine');
  const isolation = await detectBiIsolation(config.bi.isolation);
  biIsolatedGauge.set(isolation.kind === 'namespaces' ? 1 : 0);
  if (isolation.kind === 'process') logger.warn({ missing: isolation.missing }, 'BI engines are not isolated');
  const hidden = hiddenPaths(config);
  const { bi } = config;
  const pool = new BiEnginePool<BiSandbox>({
    maxEngines: bi.maxEngines,
    maxQueued: bi.maxQueued,
    maxEnginesPerTenant: Math.min(bi.maxEnginesPerTenant, bi.maxEngines),
    maxQueuedPerTenant: Math.min(bi.maxQueuedPerTenant, bi.maxQueued),
    queueWaitMs: bi.queueWaitSeconds * 1000,
    refreshMs: bi.refreshSeconds * 1000,
    idleMs: bi.engineIdleSeconds * 1000,
    start: () => BiSandbox.start({ isolation, hidden, limits: bi.limits, logger }),
    snapshot: (scope) => exportBiSnapshot(clickhouse, scope, config.privacy.minCount),
  });
  return {
    config,
    pool,
    admission: new BiAdmission({ requestsPerMinute: bi.requestsPerMinute, perKeyConcurrency: bi.perKeyConcurrency }),
    status: () => ({
      isolation: isolation.kind,
      ...(isolation.kind === 'process' ? { missing: isolation.missing } : {}),
      ...pool.stats(),
    }),
    close: () => pool.close(),
  };
}
