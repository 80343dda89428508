/** The configuration contract: every setting with its default, bound and meaning. */
import { z } from 'zod';

const siteSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/).describe('Site id, as cameras publish it'),
  name: z.string().min(1).describe('Display name'),
  tenant: z.string().min(1).default('default').describe('Tenant owning the site; API keys are scoped to tenants'),
  timezone: z.string().default('UTC').describe('IANA time zone: a store day is its local day'),
});

const apiKeySchema = z.object({
  tenant: z.string().min(1),
  /** sha256 hex of the key: keys are never stored in clear. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const configSchema = z.object({
  dataDir: z.string().default('data').describe('Where embedded ClickHouse, local Redis and keys live'),
  sites: z.array(siteSchema).min(1).default([{ id: 'demo-store', name: 'Demo store', tenant: 'demo', timezone: 'UTC' }]),
  kafka: z
    .object({
      brokers: z.array(z.string().min(1)).min(1),
      partitions: z.number().int().min(1).max(1024).default(4),
    })
    .optional()
    .describe('Unset: the in-process bus (embedded mode)'),
  topics: z
    .object({
      observations: z.string().default('face-observations'),
      deadLetters: z.string().default('face-observations.dlq'),
    })
    .default({ observations: 'face-observations', deadLetters: 'face-observations.dlq' }),
  clickhouse: z
    .object({
      url: z.string().url().optional().describe('ClickHouse server; unset: embedded chdb under dataDir'),
      username: z.string().default('default'),
      password: z.string().default(''),
      database: z.string().default('default'),
    })
    .default({ username: 'default', password: '', database: 'default' }),
  redis: z
    .object({
      url: z.string().optional().describe('Unset: a local redis-server under dataDir'),
      keyPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('rv').describe('Prefix of every key, so deployments can share a server'),
    })
    .default({ keyPrefix: 'rv' }),
  encryption: z
    .object({
      /** kid → base64 32-byte AES-256 key. Unset: a key generated once into dataDir/keys.json. */
      keys: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), z.string()).optional(),
      activeKeyId: z.string().optional(),
    })
    .default({}),
  matching: z
    .object({
      matchMinCosine: z.number().min(-1).max(1).default(0.45).describe('Cosine similarity at or above which a face joins an identity'),
      embeddingDim: z.number().int().min(16).max(4096).default(512),
    })
    .default({ matchMinCosine: 0.45, embeddingDim: 512 }),
  visits: z
    .object({ visitGapMs: z.number().int().min(60_000).default(30 * 60_000).describe('A longer absence ends a visit') })
    .default({ visitGapMs: 30 * 60_000 }),
  limits: z
    .object({ maxMessageBytes: z.number().int().min(1024).max(10_000_000).default(65_536) })
    .default({ maxMessageBytes: 65_536 }),
  api: z
    .object({
      port: z.number().int().min(0).max(65535).default(8080),
      host: z.string().default('127.0.0.1'),
      keys: z.array(apiKeySchema).default([]),
    })
    .default({ port: 8080, host: '127.0.0.1', keys: [] }),
});

export type RevisitConfig = z.infer<typeof configSchema>;
export type SiteConfig = z.infer<typeof siteSchema>;
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;
/** What a config file may contain: everything optional, defaults filled in by the schema. */
export type RevisitConfigInput = z.input<typeof configSchema>;
