/** Loads the configuration once: optional JSON file, then environment overrides, checked by the schema. */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { configSchema, type RevisitConfig, type RevisitConfigInput } from '../schemas/config.schema.ts';
import { findUnknownKeys } from '../schemas/find-unknown-keys.ts';

export type { RevisitConfig };

/** Raised when the configuration is invalid; lists every problem, one per line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The environment variables Revisit reads, and where each lands in the config. */
function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, any> = {};
  if (env.REVISIT_DATA_DIR) out.dataDir = env.REVISIT_DATA_DIR;
  if (env.REVISIT_KAFKA_BROKERS) out.kafka = { brokers: env.REVISIT_KAFKA_BROKERS.split(',').map((b) => b.trim()) };
  if (env.REVISIT_CLICKHOUSE_URL)
    out.clickhouse = { url: env.REVISIT_CLICKHOUSE_URL, password: env.REVISIT_CLICKHOUSE_PASSWORD };
  if (env.REVISIT_REDIS_URL) out.redis = { url: env.REVISIT_REDIS_URL };
  if (env.REVISIT_API_PORT || env.REVISIT_API_HOST)
    out.api = { port: env.REVISIT_API_PORT && Number(env.REVISIT_API_PORT), host: env.REVISIT_API_HOST };
  if (env.REVISIT_METRICS_TOKEN || env.REVISIT_METRICS_PORT || env.REVISIT_METRICS_HOST) {
    out.metrics = {
      token: env.REVISIT_METRICS_TOKEN || undefined,
      port: env.REVISIT_METRICS_PORT ? Number(env.REVISIT_METRICS_PORT) : undefined,
      host: env.REVISIT_METRICS_HOST || undefined,
    };
  }
  if (env.REVISIT_MATCH_MIN_COSINE) out.matching = { matchMinCosine: Number(env.REVISIT_MATCH_MIN_COSINE) };
  // `kid:base64,kid:base64`: every worker of a deployment must share these to open each other's identities.
  if (env.REVISIT_ENCRYPTION_KEYS) {
    const keys = Object.fromEntries(
      env.REVISIT_ENCRYPTION_KEYS.split(',').map((pair) => pair.trim().split(':') as [string, string]),
    );
    out.encryption = { keys, activeKeyId: env.REVISIT_ENCRYPTION_ACTIVE_KEY_ID };
  }
  if (env.REVISIT_KEYS_FILE) out.encryption = { ...out.encryption, keysFile: env.REVISIT_KEYS_FILE };
  return out;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * The log level named by `LOG_LEVEL` (default warn). Read once by the logger as it starts, before
 * any configuration loads; an unknown value falls back to warn there, and loadConfig reports it.
 */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const level = env.LOG_LEVEL?.trim().toLowerCase() ?? 'warn';
  return isLogLevel(level) ? level : 'warn';
}

/**
 * Defaults that depend on the environment, below everything else. The key file goes to the
 * user's configuration directory (XDG base directories): never inside a data directory, so a
 * copy or backup of the data carries no key. An environment with neither XDG_CONFIG_HOME nor
 * HOME (tests pass `{}`) gets no default: opening the registry then asks for keys explicitly
 * instead of writing into a home directory.
 */
function envDefaults(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const configHome =
    env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : env.HOME && join(env.HOME, '.config');
  return configHome ? { encryption: { keysFile: join(configHome, 'revisit', 'keys.json') } } : {};
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

/**
 * Builds the config from (lowest first) the file named by `REVISIT_CONFIG`, the environment,
 * and explicit overrides (CLI flags, tests). Throws ConfigError listing every invalid field.
 */
export function loadConfig(overrides: RevisitConfigInput = {}, env: NodeJS.ProcessEnv = process.env): RevisitConfig {
  const fileConfig = env.REVISIT_CONFIG ? readConfigFile(env.REVISIT_CONFIG) : {};
  const raw = [fileConfig, fromEnv(env), overrides as Record<string, unknown>].reduce(merge, envDefaults(env));
  const unknown = findUnknownKeys(configSchema, raw).map(
    (u) => `  - ${u.path.join('.')}: unknown setting${u.suggestion ? ` (did you mean "${u.suggestion}"?)` : ''}`,
  );
  const parsed = configSchema.safeParse(raw);
  const level = env.LOG_LEVEL?.trim().toLowerCase();
  const badLevel =
    level !== undefined && level !== '' && !isLogLevel(level)
      ? [`  - LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}`]
      : [];
  const invalid = parsed.success
    ? []
    : parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
  if (unknown.length || invalid.length || badLevel.length || !parsed.success) {
    throw new ConfigError(
      `invalid configuration${env.REVISIT_CONFIG ? ` (${env.REVISIT_CONFIG})` : ''}:\n${[...unknown, ...invalid, ...badLevel].join('\n')}`,
    );
  }
  return parsed.data;
}

/** The JSON of a config file; a syntax error names its line and column, not a byte offset. */
function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (!isObject(value))
      throw new ConfigError(
        `config file ${path} must hold a JSON object, not ${Array.isArray(value) ? 'an array' : typeof value}`,
      );
    return value;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`config file ${path} is not valid JSON: ${withLineAndColumn((err as Error).message, text)}`);
  }
}

/** V8 reports "… at position N": say where that is as a person counts (line 3, column 12). */
export function withLineAndColumn(message: string, text: string): string {
  const at = /at position (\d+)/.exec(message);
  if (!at) return message;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = Number(at[1]) - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '').replace(/ at position \d+.*$/, '')} at line ${line}, column ${column}`;
}

/**
 * The environment's say over where a process keeps its data and listens (REVISIT_DATA_DIR,
 * REVISIT_API_PORT, REVISIT_API_HOST) without its config file or services: the demo runs on the
 * embedded defaults, in the folder and on the port every other command would use.
 */
export function placementEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { REVISIT_DATA_DIR, REVISIT_API_PORT, REVISIT_API_HOST } = env;
  return { REVISIT_DATA_DIR, REVISIT_API_PORT, REVISIT_API_HOST };
}

/** The configuration file named by `REVISIT_CONFIG`, if any (BI engines hide it: it can hold keys and passwords). */
export function configFilePath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.REVISIT_CONFIG ? resolve(env.REVISIT_CONFIG) : undefined;
}
