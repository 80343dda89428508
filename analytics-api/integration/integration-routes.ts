/**
 * Integrated mode on the API: integrators post face crops or embeddings (the camera worker's upload
 * app, mounted behind auth), and admins erase a face. Both are scoped to the key's sites.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { RevisitConfig } from '../../common/config.ts';
import type { FacePipeline } from '../../ingest/index.ts';
import { decodeUpload } from '../../ingest/upload/index.ts';
import {
  eraseFace,
  ErasureRequestError,
  normaliseErasureEmbedding,
  type EraseFaceDeps,
} from '../../reid-worker/erasure/index.ts';
import { apiError } from '../../common/http/api-error.ts';
import { requireRole, siteForPrincipal, unknownSite, type AuthVariables } from '../auth/require-api-key.ts';
import { limitConcurrentUploads } from './limit-concurrent-uploads.ts';

export interface IntegrationDeps {
  /** The camera worker's upload app (`createUploadApp`), answering /sites/:site/cameras/:camera/... */
  upload: Hono;
  pipeline: FacePipeline;
  erasure: Omit<EraseFaceDeps, 'minCosine'>;
}

export function integrationRoutes(config: RevisitConfig, deps: IntegrationDeps) {
  const app = new Hono<{ Variables: AuthVariables }>();
  const ownSite = createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const siteId = c.req.param('site')!;
    const site = siteForPrincipal(config.sites, siteId, c.get('principal'));
    if (!site) return unknownSite(c, siteId);
    await next();
  });
  const { maxImageBytes: maxImage, maxPixels, maxConcurrentPerKey } = config.ingest.upload;
  const uploadSlots = limitConcurrentUploads(maxConcurrentPerKey);
  app.use('/sites/:site/cameras/*', ownSite, requireRole('integrator'));
  app.use('/sites/:site/cameras/:camera/faces', uploadSlots);
  app.route('/', deps.upload);

  app.post(
    '/sites/:site/erasure',
    ownSite,
    requireRole('admin'),
    uploadSlots,
    bodyLimit({
      maxSize: maxImage,
      onError: (c) => apiError(c, 413, 'payload_too_large', `body exceeds ${maxImage} bytes`),
    }),
    async (c) => {
      const siteId = c.req.param('site');
      const type = c.req.header('content-type') ?? '';
      let embedding: Float32Array;
      if (type.startsWith('image/')) {
        const decoded = await decodeUpload(Buffer.from(await c.req.arrayBuffer()), maxPixels, 'erasure request');
        if (!decoded.ok) return apiError(c, decoded.status, decoded.code, decoded.message);
        const face = await deps.pipeline.embedPrimaryFace(decoded.image);
        if (!face) return apiError(c, 422, 'no_face', 'no face found in the image');
        embedding = face.embedding;
      } else if (type.startsWith('application/json')) {
        const body = (await c.req.json().catch(() => null)) as { embedding?: unknown } | null;
        try {
          embedding = normaliseErasureEmbedding(body?.embedding, config.matching.embeddingDim);
        } catch (err) {
          if (err instanceof ErasureRequestError) return apiError(c, 400, 'bad_request', err.message);
          throw err;
        }
      } else {
        return apiError(c, 415, 'unsupported_media_type', 'send a face image (image/*) or JSON {"embedding": [...]}');
      }
      const result = await eraseFace(
        { siteId, embedding },
        { ...deps.erasure, minCosine: config.privacy.erasureMinCosine },
      );
      return c.json({
        site: result.siteId,
        identitiesRemoved: result.identities.length,
        rowsDeleted: result.rowsDeleted,
        markersDeleted: result.markersDeleted,
        disk: result.disk,
      });
    },
  );
  return app;
}
