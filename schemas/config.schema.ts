/** The configuration contract: every setting with its default, bound and meaning. */
import { z } from 'zod';
import { ingestConfigSchema } from './ingest.schema.ts';
import { visitRulesSchema } from './visit-rules.schema.ts';
import { digestsConfigSchema } from './digest.schema.ts';
import { apiRoleSchema } from './api-key.schema.ts';

const siteSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/).describe('Site id, as cameras publish it'),
  name: z.string().min(1).describe('Display name'),
  tenant: z.string().min(1).default('default').describe('Tenant owning the site; API keys are scoped to tenants'),
  timezone: z.string().default('UTC').describe('IANA time zone: a store day is its local day'),
  retentionDays: z.number().int().min(1).max(3650).optional().describe('Overrides privacy.retentionDays for this site'),
  sightingRetentionDays: z.number().int().min(1).max(3650).optional().describe('Overrides privacy.sightingRetentionDays for this site'),
  visits: visitRulesSchema.partial().optional().describe('Overrides of the visit rules for this site'),
});

/** Keys fixed in configuration (deployment automation); `revisit keys` manages the others. */
const apiKeySchema = z.object({
  tenant: z.string().min(1),
  /** sha256 hex of the key: keys are never stored in clear. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  role: apiRoleSchema.default('viewer'),
  sites: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)]).default('*'),
});

/** The re-id workers' consumer group unless configured (the in-process bus has one group only). */
export const DEFAULT_WORKER_GROUP = 'reid-worker';

/** The default of privacy.minCount: the smallest group a figure may describe (a common threshold for published counts). */
export const DEFAULT_MIN_COUNT = 5;

const configObjectSchema = z.object({
  dataDir: z.string().default('data').describe('Where embedded ClickHouse, local Redis and keys live'),
  sites: z.array(siteSchema).min(1).default([{ id: 'demo-store', name: 'Demo store', tenant: 'demo', timezone: 'UTC' }]),
  kafka: z
    .object({
      brokers: z.array(z.string().min(1)).min(1),
      partitions: z.number().int().min(1).max(1024).default(4),
      sessionTimeoutMs: z.number().int().min(6000).max(300_000).default(30_000).describe("A worker silent this long (e.g. killed) loses its partitions to the others; the broker's allowed range starts at 6 s"),
      retryBackoffMaxMs: z.number().int().min(100).max(600_000).default(30_000).describe('Cap of the doubling pause between redeliveries of a failing batch (a store is down)'),
      groupId: z.string().min(1).max(255).default(DEFAULT_WORKER_GROUP).describe("The re-id workers' consumer group: deployments sharing one Kafka cluster each need their own (and their own topics)"),
    })
    .optional()
    .describe('Unset: the in-process bus (embedded mode)'),
  topics: z
    .object({
      observations: z.string().default('face-observations'),
      deadLetters: z.string().default('face-observations.dlq'),
      sightings: z.string().default('sightings').describe('Re-identified sightings, keyed by site: integrated-mode applications read their anonymous ids here'),
      merges: z.string().default('identity-merges').describe('Identities merged by re-clustering, keyed by site: integrated-mode applications re-point a merged id to its survivor'),
    })
    .prefault({}),
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
      ambiguityMargin: z.number().min(0).max(1).default(0).describe('Top-1 and top-2 both match and are closer than this: the face is deferred (0 = off; measured neutral on ../shared/faces, docs/calibration.md)'),
      deferBelowQuality: z.number().min(0).max(1).default(0).describe('Faces below this quality never move a centroid (deferred; 0 = off)'),
      lowQualityPenalty: z.number().min(0).max(1).default(0).describe('The match threshold rises by this much times (1 - quality): poor faces need more evidence (0 = off)'),
      reclusterEveryMs: z.number().int().min(0).default(300_000).describe("How often the worker merges a site's identities whose centroids converged, after one of its batches (0 = never)"),
    })
    .prefault({}),
  visits: visitRulesSchema.prefault({}).describe('Sessionisation rules (versioned: every visit row records its rules version)'),
  bi: z
    .object({ minCount: z.number().int().min(2).max(1000).optional().describe('Deprecated alias of privacy.minCount (read as it when privacy.minCount is unset)') })
    .prefault({}),
  privacy: z
    .object({
      retentionDays: z.number().int().min(1).max(3650).default(90).describe('An identity unseen this many days is removed from index and registry; the same face then gets a new id'),
      sightingRetentionDays: z.number().int().min(1).max(3650).default(400).describe('ClickHouse deletes sightings (pseudonymous rows behind the reports) this many days after they happened'),
      retentionSweepMs: z.number().int().min(1000).default(3_600_000).describe('How often the worker removes expired identities of a site it handles'),
      exclusionMinCosine: z.number().min(-1).max(1).default(0.45).describe('Cosine to an enrolled template (staff) at or above which a sighting is labelled and left out of footfall'),
      erasureMinCosine: z.number().min(-1).max(1).default(0.4).describe('Cosine to an identity at or above which an erasure request removes it (below the match threshold: erasure errs towards removing)'),
      minCount: z
        .number()
        .int()
        .min(2)
        .max(1000)
        .optional()
        .describe(`Counts of 1 to minCount − 1 people or visits are hidden in every output (API, CSV, charts, dashboard, PDF, BI), with the figures that would give them away; default ${DEFAULT_MIN_COUNT} (docs/privacy.md)`),
    })
    .prefault({}),
  limits: z
    .object({ maxMessageBytes: z.number().int().min(1024).max(10_000_000).default(65_536) })
    .default({ maxMessageBytes: 65_536 }),
  api: z
    .object({
      port: z.number().int().min(0).max(65535).default(8080),
      host: z.string().default('127.0.0.1'),
      keys: z.array(apiKeySchema).default([]),
      requestsPerMinute: z.number().int().min(1).default(600).describe('Per API key (or client address before auth)'),
      maxBodyBytes: z.number().int().min(1024).max(50_000_000).default(2_000_000).describe('Larger requests get 413'),
      corsOrigins: z.array(z.string()).default([]).describe('Origins allowed to call /api from a browser; empty: same origin only'),
    })
    .prefault({}),
  ingest: ingestConfigSchema.prefault({}).describe('Camera worker: analysis rate, tracking, quality and liveness gates, uploads'),
  digests: digestsConfigSchema.prefault({}).describe('Scheduled PDF digests: what goes to whom, when'),
});

/**
 * The configuration with privacy.minCount resolved: the deprecated bi.minCount is read when
 * privacy.minCount is unset, two different values are an error, and bi.minCount mirrors the
 * result so readers of the old field get the same threshold.
 */
export const configSchema = configObjectSchema.transform((c, ctx) => {
  const { bi, privacy } = c;
  if (bi.minCount !== undefined && privacy.minCount !== undefined && bi.minCount !== privacy.minCount) {
    ctx.issues.push({ code: 'custom', input: bi.minCount, path: ['bi', 'minCount'], message: `deprecated alias of privacy.minCount, and they differ (${bi.minCount} vs ${privacy.minCount}): set privacy.minCount only` });
    return z.NEVER;
  }
  const minCount = privacy.minCount ?? bi.minCount ?? DEFAULT_MIN_COUNT;
  return { ...c, privacy: { ...privacy, minCount }, bi: { ...bi, minCount } };
});

export type RevisitConfig = z.infer<typeof configSchema>;
export type SiteConfig = z.infer<typeof siteSchema>;
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;
/** What a config file may contain: everything optional, defaults filled in by the schema. */
export type RevisitConfigInput = z.input<typeof configSchema>;
