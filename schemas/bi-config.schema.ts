/** The BI configuration: suppression, the BI listener, the sandboxed engines and the limits every BI query runs under. */
import { z } from 'zod';

/** Engine settings of every BI query; clients cannot change them. */
export const biLimitsSchema = z.object({
  maxExecutionSeconds: z.number().int().min(1).max(3600).default(30).describe('max_execution_time of a BI query'),
  killMarginSeconds: z
    .number()
    .int()
    .min(1)
    .max(600)
    .default(5)
    .describe(
      'An engine still busy this long after max_execution_time is killed and restarted (some engine work, e.g. a blocked connect, never checks the time limit)',
    ),
  maxMemoryBytes: z
    .number()
    .int()
    .min(16 * 2 ** 20)
    .max(2 ** 40)
    .default(2 ** 30)
    .describe('max_memory_usage of a BI query'),
  maxRowsToRead: z
    .number()
    .int()
    .min(1000)
    .max(1e12)
    .default(100_000_000)
    .describe('max_rows_to_read of a BI query (rows read from the BI tables)'),
  maxResultRows: z
    .number()
    .int()
    .min(1)
    .max(1e10)
    .default(1_000_000)
    .describe('max_result_rows (result_overflow_mode = throw): a larger result is an error, never a truncated answer'),
  maxThreads: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(1)
    .describe('max_threads of a BI query: a heavy query leaves the other cores to the API and the pipeline'),
  maxResultBytes: z
    .number()
    .int()
    .min(65_536)
    .max(2 ** 34)
    .default(32 * 2 ** 20)
    .describe(
      'max_result_bytes, and the most bytes of formatted output an engine hands back: bounds the memory a result takes on its way to the client',
    ),
});

export const biConfigSchema = z.object({
  minCount: z
    .number()
    .int()
    .min(2)
    .max(1000)
    .optional()
    .describe('Deprecated alias of privacy.minCount (read as it when privacy.minCount is unset)'),
  port: z
    .union([z.number().int().min(0).max(65535), z.literal('off')])
    .default(8123)
    .describe(
      "The BI listener: a ClickHouse-style HTTP interface at the root path for tools that cannot add a path (JDBC: DBeaver, DataGrip, Metabase, Tableau). 0 picks a free port; 'off' serves BI only at /bi/ of the API",
    ),
  host: z.string().optional().describe('Address of the BI listener; unset: api.host'),
  isolation: z
    .enum(['auto', 'namespaces', 'process'])
    .default('auto')
    .describe(
      'How BI engines are confined. auto: new user, network, mount and pid namespaces where the OS allows (data and key directories hidden, no network), else a plain child process with a warning; namespaces: refuse to serve BI without them; process: a plain child process (for hosts whose service is sandboxed already)',
    ),
  refreshSeconds: z
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(60)
    .describe(
      'A BI engine older than this reloads its scope from the main engine before its next query: how stale BI may be',
    ),
  maxEngines: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe(
      'BI engines (child processes, one per key scope: tenant + site list) alive at once; the least recently used idle one makes room',
    ),
  maxEnginesPerTenant: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe(
      "BI engines one tenant's keys may hold at once (capped at maxEngines): a tenant at its share waits for its own engines instead of taking other tenants'",
    ),
  engineIdleSeconds: z.number().int().min(5).max(86_400).default(300).describe('An engine unused this long is stopped'),
  maxQueued: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(32)
    .describe('BI queries that may wait for an engine; beyond, 503'),
  maxQueuedPerTenant: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(8)
    .describe(
      'BI queries one tenant may have waiting for an engine (capped at maxQueued); beyond, 503: one tenant cannot fill the queue',
    ),
  queueWaitSeconds: z.number().int().min(1).max(600).default(30).describe('Longest wait for an engine before 503'),
  perKeyConcurrency: z.number().int().min(1).max(64).default(2).describe('BI queries one API key may have in flight'),
  requestsPerMinute: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(120)
    .describe('BI queries one API key may start per minute'),
  limits: biLimitsSchema.prefault({}).describe('Engine settings of every BI query; clients cannot change them'),
});

export type BiConfig = z.infer<typeof biConfigSchema>;
export type BiLimits = z.infer<typeof biLimitsSchema>;
