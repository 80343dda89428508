/** One ClickHouse client for both deployments: embedded chdb by default, a server when configured. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ClickHouseLogLevel,
  createClient,
  type ClickHouseClient,
  type Logger as ClientLogger,
} from '@clickhouse/client';
import type { RevisitConfig } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';

export type { ClickHouseClient };

const logger = createLogger('clickhouse-client');

/**
 * The client's own log lines as JSON through the project's logger. A failed request is thrown to
 * its caller, which reports it (once per outage, with context): the client's copy is debug only.
 */
class ClientLog implements ClientLogger {
  trace({ module, message, args }: Parameters<ClientLogger['trace']>[0]) {
    logger.trace({ module, args }, message);
  }
  debug({ module, message, args }: Parameters<ClientLogger['debug']>[0]) {
    logger.debug({ module, args }, message);
  }
  info({ module, message, args }: Parameters<ClientLogger['info']>[0]) {
    logger.debug({ module, args }, message);
  }
  warn({ module, message, args, err }: Parameters<ClientLogger['warn']>[0]) {
    logger.warn({ module, args, err }, message);
  }
  error({ module, message, args, err }: Parameters<ClientLogger['error']>[0]) {
    logger.debug({ module, args, err }, message);
  }
}
// Warnings and errors only: the client's per-request trace would cost on every query.
const log = { LoggerClass: ClientLog, level: ClickHouseLogLevel.WARN };

/**
 * With `clickhouse.url` set, talks HTTP to that server; otherwise runs the ClickHouse engine
 * in-process (chdb) on `dataDir/clickhouse`. Callers cannot tell the difference: that is the point.
 */
export async function createClickHouseClient(
  config: Pick<RevisitConfig, 'clickhouse' | 'dataDir'>,
): Promise<ClickHouseClient> {
  const { url, username, password, database } = config.clickhouse;
  if (url) return createClient({ url, username, password, database, log });
  const path = resolve(join(config.dataDir, 'clickhouse'));
  mkdirSync(path, { recursive: true });
  // Loaded lazily: the embedded engine is a 500 MB library that server deployments never need.
  const { createChdbConnection } = await import('chdb/connection');
  return createClient({ connection: createChdbConnection({ path }), log } as Parameters<typeof createClient>[0]);
}

/** Resolves when ClickHouse answers, rejects with why not (readiness probes). */
export async function pingClickHouse(client: ClickHouseClient): Promise<void> {
  const answer = await client.ping();
  if (!answer.success) throw answer.error;
}
