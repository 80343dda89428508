/** The owner's side of the data directory's socket: what commands ask a running embedded `revisit serve` to do instead of opening the directory. */
import { chmodSync, rmSync } from 'node:fs';
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import { apiError } from '../../common/http/api-error.ts';
import { createLogger } from '../../common/logger.ts';
import type { FacePipeline } from '../../ingest/index.ts';
import { eraseFace, normaliseErasureEmbedding } from '../../reid-worker/erasure/index.ts';
import { enrollFaces } from '../../reid-worker/exclusion/index.ts';
import { digestPeriod, renderDigestPdf } from '../../reports/digest/index.ts';
import { createSiteErrorRates } from '../../reports/index.ts';
import {
  ownerEnrollSchema,
  ownerErasureSchema,
  ownerPublishSchema,
  ownerReportSchema,
} from '../../schemas/owner.schema.ts';
import type { Runtime } from '../open-runtime.ts';
import { ownerSocketPath } from './owner-client.ts';

export interface OwnerDeps {
  runtime: Runtime;
  /** Embeds enrolment photos (the face pipeline the process already has). */
  pipeline: FacePipeline;
}

async function body<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S> | Response> {
  const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
  return parsed.success
    ? parsed.data
    : apiError(
        c,
        400,
        'bad_request',
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
}

function ownerApp({ runtime, pipeline }: OwnerDeps): Hono {
  const { config, bus, clickhouse, store, registryLock } = runtime;
  const siteOf = (id: string) => config.sites.find((s) => s.id === id);
  const errorRatesOf = createSiteErrorRates(clickhouse, config);
  const app = new Hono();
  app.get('/v1/status', (c) => c.json({ pid: process.pid, mode: 'embedded' }));
  app.post('/v1/publish', async (c) => {
    const req = await body(c, ownerPublishSchema);
    if (req instanceof Response) return req;
    // Cameras publish observations and their heartbeats, nothing else: the worker here decodes and checks each one.
    const topics = [config.topics.observations, config.topics.heartbeats];
    if (!topics.includes(req.topic))
      return apiError(c, 400, 'bad_request', `only ${topics.join(' and ')} are published through the owner`);
    await bus.publish(
      req.topic,
      req.messages.map((m) => ({ key: m.key, value: Buffer.from(m.value, 'base64') })),
    );
    return c.json({ published: req.messages.length });
  });
  app.post('/v1/report', async (c) => {
    const req = await body(c, ownerReportSchema);
    if (req instanceof Response) return req;
    const site = siteOf(req.site);
    if (!site) return apiError(c, 404, 'not_found', `unknown site "${req.site}"`);
    const digest = await renderDigestPdf(
      clickhouse,
      site,
      digestPeriod(req.period, req.date),
      config.privacy.minCount,
      {
        cameraSilentAfterMs: config.coverage.cameraSilentAfterMs,
        errorRates: () => errorRatesOf(site.id),
      },
    );
    // The PDF with what qualifies its figures, for `revisit report --json` and its warnings.
    return c.json({ ...digest, pdf: digest.pdf.toString('base64') });
  });
  app.post('/v1/erasure', async (c) => {
    const req = await body(c, ownerErasureSchema);
    if (req instanceof Response) return req;
    if (!siteOf(req.site)) return apiError(c, 404, 'not_found', `unknown site "${req.site}"`);
    const embedding = normaliseErasureEmbedding(req.embedding, config.matching.embeddingDim);
    return c.json(
      await eraseFace(
        { siteId: req.site, embedding },
        { store, clickhouse, registryLock, minCosine: config.privacy.erasureMinCosine },
      ),
    );
  });
  app.post('/v1/enroll', async (c) => {
    const req = await body(c, ownerEnrollSchema);
    if (req instanceof Response) return req;
    if (!siteOf(req.site)) return apiError(c, 404, 'not_found', `unknown site "${req.site}"`);
    if (req.action === 'list')
      return c.json(await store.loadTemplates(req.site).then((ts) => ts.map(({ embedding: _, ...t }) => t)));
    if (req.action === 'remove') return c.json({ removed: await store.removeTemplate(req.site, req.templateId) });
    return c.json(
      await enrollFaces(
        { siteId: req.site, label: req.label, files: req.files },
        { pipeline, store, minAgreementCosine: config.matching.matchMinCosine },
      ),
    );
  });
  app.onError((err, c) =>
    apiError(c, err.name === 'EnrolmentError' || err.name === 'ErasureRequestError' ? 400 : 500, 'failed', err.message),
  );
  return app;
}

/**
 * Listens on `<dataDir>/revisit.sock` (0600, in the 0700 data directory: this user only). A
 * socket left by an owner that died is replaced: this process holds the directory's stores now.
 */
export async function serveOwnerSocket(deps: OwnerDeps): Promise<{ path: string; close(): Promise<void> }> {
  const path = ownerSocketPath(deps.runtime.config.dataDir);
  rmSync(path, { force: true });
  const server = createAdaptorServer({ fetch: ownerApp(deps).fetch });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  chmodSync(path, 0o600);
  createLogger('owner-socket').info({ path }, 'commands on this data directory go through this process');
  return {
    path,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          rmSync(path, { force: true });
          resolve();
        }),
      ),
  };
}
