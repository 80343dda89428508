/** The configuration contract: every setting with its default, bound and meaning. */
import { z } from 'zod';
import { ingestConfigSchema } from './ingest.schema.ts';
import { visitRulesSchema } from './visit-rules.schema.ts';
import { digestFolderPath, digestFolderRoot, digestsConfigSchema } from './digest.schema.ts';
import { apiRoleSchema } from './api-key.schema.ts';
import { networkSchema } from './network.schema.ts';
import { nearestKey } from './find-unknown-keys.ts';

/** Whether this runtime's Intl can compute local times in `timeZone`: the worker cuts every visit with it. */
function isRuntimeTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The zone a misspelt one was probably meant to be: the nearest IANA name, or the zone of the nearest city ("Berlin"). */
function suggestTimeZone(input: string): string | undefined {
  const zones = Intl.supportedValuesOf('timeZone');
  const cityOf = (zone: string) => zone.split('/').pop() ?? zone;
  const city = nearestKey(cityOf(input), zones.map(cityOf));
  return nearestKey(input, zones) ?? zones.find((zone) => city !== undefined && cityOf(zone) === city);
}

/** Checked at load: a zone the runtime does not know would fail every batch of its site. */
const timeZoneSchema = z.string().refine(isRuntimeTimeZone, {
  error: (issue) => {
    const input = String(issue.input);
    const suggestion = suggestTimeZone(input);
    return `unknown IANA time zone ${JSON.stringify(input)} (${suggestion ? `did you mean "${suggestion}"?` : 'e.g. "Europe/Berlin", "UTC"'})`;
  },
});
import { biConfigSchema } from './bi-config.schema.ts';
import { idSchema } from './id.schema.ts';

const siteSchema = z.object({
  id: idSchema.describe('Site id, as cameras publish it'),
  name: z.string().min(1).describe('Display name'),
  tenant: z.string().min(1).default('default').describe('Tenant owning the site; API keys are scoped to tenants'),
  timezone: timeZoneSchema.default('UTC').describe('IANA time zone: a store day is its local day'),
  retentionDays: z.number().int().min(1).max(3650).optional().describe('Overrides privacy.retentionDays for this site'),
  sightingRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('Overrides privacy.sightingRetentionDays for this site'),
  visits: visitRulesSchema.partial().optional().describe('Overrides of the visit rules for this site'),
  entranceCameras: z
    .array(idSchema)
    .max(64)
    .optional()
    .describe(
      'Cameras at the entrances, where everyone who enters is seen: the people they see but cannot identify (faces too small or poor) count in footfall as "seen, not identified" (estimated: docs/calibration.md). Unset or empty: footfall counts identified people only',
    ),
  exitCameras: z
    .array(idSchema)
    .max(64)
    .optional()
    .describe(
      "Cameras at the exits or checkouts, where people are seen last: a track they see but cannot identify shortly after a visit's last sighting ends that visit there (visits.attachWindowMs). Unset or empty: visits end at their last identified sighting",
    ),
  cameras: z
    .array(idSchema)
    .max(1000)
    .optional()
    .describe(
      "The site's cameras: coverage expects a heartbeat of each every hour (unset: the cameras heard from in the period or the week before)",
    ),
  simulated: z
    .boolean()
    .optional()
    .describe('The site holds simulated data (the demo): every screen and digest says so'),
  matchMinCosine: z
    .number()
    .min(-1)
    .max(1)
    .optional()
    .describe("Overrides matching.matchMinCosine for this site's cameras"),
  cameraMatchMinCosine: z
    .record(idSchema, z.number().min(-1).max(1))
    .optional()
    .describe(
      "Per-camera match thresholds by camera id (e.g. from `revisit calibrate --live`); a camera not listed uses its site's",
    ),
});

/** Keys fixed in configuration (deployment automation); `revisit keys` manages the others. */
const apiKeySchema = z.object({
  tenant: z.string().min(1),
  /** sha256 hex of the key: keys are never stored in clear. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  role: apiRoleSchema.default('viewer'),
  sites: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)]).default('*'),
});

/** A master key's id, recorded in every blob it seals. */
export const keyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);

/** The re-id workers' consumer group unless configured (the in-process bus has one group only). */
export const DEFAULT_WORKER_GROUP = 'reid-worker';

/** The API's callback reader's consumer group unless configured (one API process). */
export const DEFAULT_CALLBACK_GROUP = 'api-callbacks';

/** One camera run by `revisit serve` in embedded mode. */
const cameraSchema = z.object({
  site: z.string().min(1).describe('Configured site the camera belongs to'),
  camera: idSchema.describe('Camera id, as reports show it'),
  source: z.string().min(1).describe('A video file, or an rtsp:// or http(s):// stream (reconnected when it drops)'),
});

/** The default of privacy.minCount: the smallest group a figure may describe (a common threshold for published counts). */
export const DEFAULT_MIN_COUNT = 5;

const configObjectSchema = z
  .object({
    dataDir: z
      .string()
      .default('data')
      .describe('Where embedded ClickHouse, the private Redis and API keys live (0700); never the encryption keys'),
    sites: z
      .array(siteSchema)
      .min(1)
      .default([{ id: 'demo-store', name: 'Demo store', tenant: 'demo', timezone: 'UTC' }]),
    kafka: z
      .object({
        brokers: z.array(z.string().min(1)).min(1),
        partitions: z.number().int().min(1).max(1024).default(4),
        sessionTimeoutMs: z
          .number()
          .int()
          .min(6000)
          .max(300_000)
          .default(30_000)
          .describe(
            "A worker silent this long (e.g. killed) loses its partitions to the others; the broker's allowed range starts at 6 s",
          ),
        retryBackoffMaxMs: z
          .number()
          .int()
          .min(100)
          .max(600_000)
          .default(30_000)
          .describe('Cap of the doubling pause between redeliveries of a failing batch (a store is down)'),
        groupId: z
          .string()
          .min(1)
          .max(255)
          .default(DEFAULT_WORKER_GROUP)
          .describe(
            "The re-id workers' consumer group: deployments sharing one Kafka cluster each need their own (and their own topics)",
          ),
        callbackGroupId: z
          .string()
          .min(1)
          .max(255)
          .default(DEFAULT_CALLBACK_GROUP)
          .describe(
            'The consumer group an API process reads the sightings topic with, to deliver integrated-mode callbacks; it resumes from its committed offset after a restart. Each API replica needs its own',
          ),
      })
      .optional()
      .describe('Unset: the in-process bus (embedded mode)'),
    topics: z
      .object({
        observations: z.string().default('face-observations'),
        deadLetters: z.string().default('face-observations.dlq'),
        sightings: z
          .string()
          .default('sightings')
          .describe(
            'Re-identified sightings, keyed by site: integrated-mode applications read their anonymous ids here',
          ),
        merges: z
          .string()
          .default('identity-merges')
          .describe(
            'Identities merged by re-clustering, keyed by site: integrated-mode applications re-point a merged id to its survivor',
          ),
        heartbeats: z
          .string()
          .default('camera-heartbeats')
          .describe("Camera workers' heartbeats, keyed by site: the coverage behind every figure"),
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
        url: z
          .string()
          .optional()
          .describe(
            'A redis:// URL or an absolute Unix socket path; unset: a private redis-server under dataDir, on a Unix socket only',
          ),
        keyPrefix: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/)
          .default('rv')
          .describe('Prefix of every key, so deployments can share a server'),
      })
      .default({ keyPrefix: 'rv' }),
    encryption: z
      .object({
        /** kid → base64 32-byte AES-256 key. Unset: the keys of `keysFile`. */
        keys: z.record(keyIdSchema, z.string()).optional(),
        activeKeyId: z.string().optional(),
        keysFile: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Key file used when `keys` is unset (created 0600 on first use; refused inside dataDir or readable by others). Default, filled in from the environment: $XDG_CONFIG_HOME/revisit/keys.json, else ~/.config/revisit/keys.json',
          ),
      })
      .default({}),
    matching: z
      .object({
        matchMinCosine: z
          .number()
          .min(-1)
          .max(1)
          .default(0.45)
          .describe('Cosine similarity at or above which a face joins an identity'),
        embeddingDim: z.number().int().min(16).max(4096).default(512),
        ambiguityMargin: z
          .number()
          .min(0)
          .max(1)
          .default(0)
          .describe(
            'Top-1 and top-2 both match and are closer than this: the face is deferred (0 = off; measured neutral on ../shared/faces, docs/calibration.md)',
          ),
        deferBelowQuality: z
          .number()
          .min(0)
          .max(1)
          .default(0)
          .describe('Faces below this quality never move a centroid (deferred; 0 = off)'),
        lowQualityPenalty: z
          .number()
          .min(0)
          .max(1)
          .default(0)
          .describe(
            'The match threshold rises by this much times (1 - quality): poor faces need more evidence (0 = off)',
          ),
        reclusterEveryMs: z
          .number()
          .int()
          .min(0)
          .default(300_000)
          .describe(
            "How often the worker merges a site's identities whose centroids converged, after one of its batches (0 = never)",
          ),
        galleryReferenceSize: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .default(200)
          .describe('Gallery size (live identities) at which matchMinCosine and the merge threshold hold as they are'),
        thresholdPerDecade: z
          .number()
          .min(0)
          .max(0.3)
          .default(0.06)
          .describe(
            'Beyond galleryReferenceSize the match and merge thresholds rise by this much per tenfold more identities, so strangers are not matched more often as the site grows (0 = off; docs/calibration.md)',
          ),
        recentWindowMs: z
          .number()
          .int()
          .min(0)
          .max(24 * 3_600_000)
          .default(1_800_000)
          .describe(
            'Identities seen this recently form a gallery of their own, whose smaller size sets their threshold: a face is most likely someone still in the store (0 = off)',
          ),
      })
      .prefault({}),
    visits: visitRulesSchema
      .prefault({})
      .describe('Sessionisation rules (versioned: every visit row records its rules version)'),
    bi: biConfigSchema
      .prefault({})
      .describe('BI access: the sandboxed engines behind /bi/ and the BI listener, their limits'),
    privacy: z
      .object({
        retentionDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .default(90)
          .describe(
            'An identity unseen this many days is removed from index and registry; the same face then gets a new id',
          ),
        sightingRetentionDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .default(400)
          .describe(
            'ClickHouse deletes sightings (pseudonymous rows behind the reports) this many days after they happened',
          ),
        retentionSweepMs: z
          .number()
          .int()
          .min(1000)
          .default(3_600_000)
          .describe('How often the worker removes expired identities of a site it handles'),
        exclusionMinCosine: z
          .number()
          .min(-1)
          .max(1)
          .default(0.45)
          .describe(
            'Cosine to an enrolled template (staff) at or above which a sighting is labelled and left out of footfall',
          ),
        erasureMinCosine: z
          .number()
          .min(-1)
          .max(1)
          .default(0.4)
          .describe(
            'Cosine to an identity at or above which an erasure request removes it (below the match threshold: erasure errs towards removing)',
          ),
        minCount: z
          .number()
          .int()
          .min(2)
          .max(1000)
          .optional()
          .describe(
            `Counts of 1 to minCount − 1 people or visits are hidden in every output (API, CSV, charts, dashboard, PDF, BI), with the figures that would give them away; default ${DEFAULT_MIN_COUNT} (docs/privacy.md)`,
          ),
      })
      .prefault({}),
    limits: z
      .object({
        maxMessageBytes: z.number().int().min(1024).max(10_000_000).default(65_536),
        maxFutureSkewMs: z
          .number()
          .int()
          .min(0)
          .max(24 * 3600_000)
          .default(300_000)
          .describe(
            "How far after the checking clock an observation may end (cameras' clock skew); later ones are refused as time_out_of_window",
          ),
        maxPastDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .optional()
          .describe(
            "How many days before now an observation may start; unset: the site's sighting retention, since an older sighting would be deleted as it lands",
          ),
      })
      .prefault({})
      .describe('Bounds on every observation, checked by the producer (ingest, uploads) and again by the worker'),
    api: z
      .object({
        port: z.number().int().min(0).max(65535).default(8080),
        host: z.string().default('127.0.0.1'),
        keys: z.array(apiKeySchema).default([]),
        requestsPerMinute: z
          .number()
          .int()
          .min(1)
          .default(600)
          .describe('Per authenticated API key (its key id, whichever header carried it)'),
        addressRequestsPerMinute: z
          .number()
          .int()
          .min(1)
          .default(1200)
          .describe(
            'Per client address (IPv6: per /64), counted before authentication: what unauthenticated callers can make the server do',
          ),
        failedAuthPerMinute: z
          .number()
          .int()
          .min(1)
          .default(20)
          .describe(
            'Failed authentications per client address; once spent, the address gets 429 before any key it sends is checked',
          ),
        rateLimitMaxCallers: z
          .number()
          .int()
          .min(100)
          .max(1_000_000)
          .default(10_000)
          .describe(
            'Most keys or addresses each rate limiter remembers (the least recent is forgotten): memory stays bounded under a flood',
          ),
        trustedProxies: z
          .array(networkSchema)
          .max(1000)
          .default([])
          .describe(
            'Reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For names the client; empty: the socket peer is the client, the header is ignored',
          ),
        maxBodyBytes: z.number().int().min(1024).max(50_000_000).default(2_000_000).describe('Larger requests get 413'),
        corsOrigins: z
          .array(z.string())
          .default([])
          .describe('Origins allowed to call /api from a browser; empty: same origin only'),
      })
      .prefault({}),
    metrics: z
      .object({
        token: z
          .string()
          .min(16)
          .max(256)
          .optional()
          .describe('Bearer token /metrics requires (REVISIT_METRICS_TOKEN); unset: no token'),
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .optional()
          .describe(
            'The operator listener of a service (REVISIT_METRICS_PORT): /metrics, /healthz and /readyz of a worker, camera or scheduler; for the API, /metrics moves there from the API port',
          ),
        host: z.string().default('127.0.0.1').describe('Address of that listener (REVISIT_METRICS_HOST)'),
      })
      .prefault({})
      .describe('Prometheus /metrics: without a token it answers only on a loopback listener (docs/operations.md)'),
    coverage: z
      .object({
        cameraSilentAfterMs: z
          .number()
          .int()
          .min(60_000)
          .max(7 * 24 * 3600_000)
          .default(900_000)
          .describe(
            'A camera with no heartbeat for this long is flagged as silent on the dashboard, in /metrics and in the digest',
          ),
      })
      .prefault({})
      .describe('Camera coverage: which hours the figures can vouch for (heartbeats of the camera workers)'),
    ingest: ingestConfigSchema
      .prefault({})
      .describe('Camera worker: analysis rate, tracking, quality and liveness gates, uploads'),
    cameras: z
      .array(cameraSchema)
      .max(64)
      .default([])
      .describe(
        'Cameras `revisit serve` runs itself in embedded mode (no Kafka); distributed deployments run one `revisit ingest` per camera instead',
      ),
    digests: digestsConfigSchema.prefault({}).describe('Scheduled PDF digests: what goes to whom, when'),
  })
  .superRefine((config, ctx) => {
    config.cameras.forEach((camera, i) => {
      if (!config.sites.some((s) => s.id === camera.site))
        ctx.addIssue({ code: 'custom', path: ['cameras', i, 'site'], message: `unknown site "${camera.site}"` });
    });
    const root = digestFolderRoot(config.dataDir, config.digests.folderRoot);
    const siteIds = config.sites.map((s) => s.id);
    config.digests.schedules.forEach((schedule, i) => {
      if (!siteIds.includes(schedule.site))
        ctx.addIssue({
          code: 'custom',
          path: ['digests', 'schedules', i, 'site'],
          message: `unknown site "${schedule.site}"; configured: ${siteIds.join(', ')}`,
        });
    });
    config.digests.schedules.forEach((schedule, i) =>
      schedule.deliver.forEach((d, j) => {
        if (d.kind === 'folder' && digestFolderPath(root, d.dir) === null) {
          ctx.addIssue({
            code: 'custom',
            path: ['digests', 'schedules', i, 'deliver', j, 'dir'],
            message: `must lie inside digests.folderRoot (${root})`,
          });
        }
      }),
    );
  });

/**
 * The configuration with privacy.minCount resolved: the deprecated bi.minCount is read when
 * privacy.minCount is unset, two different values are an error, and bi.minCount mirrors the
 * result so readers of the old field get the same threshold.
 */
export const configSchema = configObjectSchema.transform((c, ctx) => {
  const { bi, privacy } = c;
  if (bi.minCount !== undefined && privacy.minCount !== undefined && bi.minCount !== privacy.minCount) {
    ctx.issues.push({
      code: 'custom',
      input: bi.minCount,
      path: ['bi', 'minCount'],
      message: `deprecated alias of privacy.minCount, and they differ (${bi.minCount} vs ${privacy.minCount}): set privacy.minCount only`,
    });
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
