/**
 * Which deployment a configuration describes, and what a service needs in it. Distributed mode
 * (Kafka configured) has no private stores: a service that would open an embedded ClickHouse, a
 * private redis-server or a freshly generated key refuses to start, naming the setting.
 */
import { existsSync } from 'node:fs';
import { ConfigError, type RevisitConfig } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';

export type DeploymentMode = 'embedded' | 'distributed';

/** The stores a service reads or writes. */
export interface ServiceNeeds {
  /** Analytics: sightings, visits, reports, digests, BI. */
  clickhouse?: boolean;
  /** The identity registry or the API key store. */
  redis?: boolean;
  /** The identities' master keys (the registry's centroids). */
  identityKeys?: boolean;
}

export function deploymentMode(config: Pick<RevisitConfig, 'kafka'>): DeploymentMode {
  return config.kafka ? 'distributed' : 'embedded';
}

/**
 * Returns the mode, or throws a one-line ConfigError when `service` would run distributed with
 * a store of its own: an embedded ClickHouse (its sightings seen by no report), a private Redis
 * (its identities by no other worker), a generated key (opening no identity another worker sealed).
 */
export function checkDeployment(config: RevisitConfig, service: string, needs: ServiceNeeds): DeploymentMode {
  const mode = deploymentMode(config);
  if (mode === 'embedded') return mode;
  const refuse = (setting: string, why: string) => {
    throw new ConfigError(`${service}: Kafka is configured (distributed mode) but ${setting}; ${why}`);
  };
  if (needs.clickhouse && !config.clickhouse.url) {
    refuse(
      'clickhouse.url is not: set REVISIT_CLICKHOUSE_URL to the shared ClickHouse server',
      'an embedded store here would hold data no other service reads',
    );
  }
  if (needs.redis && !config.redis.url) {
    refuse(
      'redis.url is not: set REVISIT_REDIS_URL to the shared Redis',
      'a private registry here would hold identities and keys no other service sees',
    );
  }
  const { keys, keysFile } = config.encryption;
  if (needs.identityKeys && !keys && !(keysFile && existsSync(keysFile))) {
    refuse(
      `encryption.keys is not and there is no key file${keysFile ? ` at ${keysFile}` : ''}: set REVISIT_ENCRYPTION_KEYS (kid:base64, the same for every service)`,
      'a key generated here would not open the identities other workers sealed',
    );
  }
  return mode;
}

/** A URL fit for a log line: no credentials, no query string (RTSP and ClickHouse URLs can carry passwords). */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  parsed.search = '';
  return parsed.href;
}

/** Where this process's stores are, for its start-up log line. */
export function describeStores(config: RevisitConfig, needs: ServiceNeeds): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { mode: deploymentMode(config) };
  out.bus = config.kafka ? config.kafka.brokers : 'in-process';
  if (needs.clickhouse)
    out.clickhouse = config.clickhouse.url
      ? `${redactUrl(config.clickhouse.url)} (database ${config.clickhouse.database})`
      : `embedded under ${config.dataDir}/clickhouse`;
  if (needs.redis)
    out.redis = config.redis.url ? redactUrl(config.redis.url) : `private redis-server under ${config.dataDir}/redis`;
  return out;
}

/** The start-up line every long-running service logs (at info): mode, brokers, stores, sites, and what it adds. */
export function logServiceStart(
  service: string,
  config: RevisitConfig,
  needs: ServiceNeeds,
  extra: Record<string, unknown> = {},
): void {
  createLogger(service).info(
    { ...describeStores(config, needs), sites: config.sites.map((s) => s.id), ...extra },
    `${service} started`,
  );
}
