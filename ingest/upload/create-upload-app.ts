/** Integrated mode's entry: a hono sub-app where another application posts face crops or ready embeddings; each becomes one observation. */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { apiError } from '../../common/http/api-error.ts';
import {
  ContractError,
  embeddingUploadSchema,
  faceUploadQuerySchema,
  ID_PATTERN,
  ID_RULE,
  type IngestConfig,
  type MessageLimits,
} from '../../schemas/index.ts';
import { buildObservation } from '../build-observation.ts';
import { MODEL_ID } from '../../models/index.ts';
import type { FacePipeline } from '../face/index.ts';
import { dropsTotal } from '../ingest-metrics.ts';
import type { ObservationPublisher } from '../observation-publisher.ts';
import { decodeUpload } from './decode-upload.ts';
import type { IdentityCallbacks } from './identity-callbacks.ts';

export interface UploadAppDeps {
  pipeline: FacePipeline;
  publisher: ObservationPublisher;
  limits: MessageLimits;
  config: Pick<IngestConfig, 'upload'>;
  /** Where callback URLs are registered; without it a callbackUrl is refused (501). */
  callbacks?: IdentityCallbacks;
}

/** The 202 answer: the observation is on its way to re-identification. */
export interface UploadAccepted {
  observationId: string;
  trackId: string;
  status: 'queued';
  /** Whether the anonymous id will be POSTed to the given callbackUrl. */
  callback: boolean;
}

/**
 * Routes, relative to where the API mounts the app (auth is the mounting app's job):
 * - POST /sites/:site/cameras/:camera/faces — body: the image (Content-Type image/*); query
 *   trackId, tMs, callbackUrl. The primary face is embedded; the image is dropped after.
 * - POST /sites/:site/cameras/:camera/embeddings — JSON `embeddingUploadSchema`.
 * Errors use the API's shape: 404 unknown site, 400 bad input, 413 too large (bytes or pixels),
 * 415 not a JPEG, PNG or WebP (by its bytes), 422 no face / other model.
 */
export function createUploadApp(deps: UploadAppDeps) {
  const app = new Hono();
  const tooLarge = (max: number) => (c: Context) => apiError(c, 413, 'payload_too_large', `body exceeds ${max} bytes`);

  app.use('/sites/:site/cameras/:camera/*', async (c, next) => {
    const { site, camera } = c.req.param();
    if (!deps.limits.isKnownSite(site)) return apiError(c, 404, 'unknown_site', `unknown site "${site}"`);
    if (!ID_PATTERN.test(camera)) return apiError(c, 400, 'bad_request', `camera ${ID_RULE}`);
    await next();
  });

  const maxImage = deps.config.upload.maxImageBytes;
  app.post(
    '/sites/:site/cameras/:camera/faces',
    bodyLimit({ maxSize: maxImage, onError: tooLarge(maxImage) }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!type.startsWith('image/'))
        return apiError(c, 415, 'unsupported_media_type', `expected an image/* body, got "${type || 'none'}"`);
      const query = faceUploadQuerySchema.safeParse(c.req.query());
      if (!query.success) return apiError(c, 400, 'bad_request', 'invalid query', query.error.issues);
      const badCallback = checkCallback(c, deps, query.data.callbackUrl);
      if (badCallback) return badCallback;
      const decoded = await decodeUpload(
        Buffer.from(await c.req.arrayBuffer()),
        deps.config.upload.maxPixels,
        'upload',
      );
      if (!decoded.ok) {
        dropsTotal.inc({ reason: `upload_${decoded.code}` });
        return apiError(c, decoded.status, decoded.code, decoded.message);
      }
      const face = await deps.pipeline.embedTightCrop(decoded.image);
      if (!face) {
        dropsTotal.inc({ reason: 'upload_no_face' });
        return apiError(c, 422, 'no_face', 'no face found in the image');
      }
      return publish(c, deps, face.embedding, face.quality, query.data);
    },
  );

  const maxJson = deps.config.upload.maxJsonBytes;
  app.post(
    '/sites/:site/cameras/:camera/embeddings',
    bodyLimit({ maxSize: maxJson, onError: tooLarge(maxJson) }),
    async (c) => {
      let json: unknown;
      try {
        json = await c.req.json();
      } catch {
        return apiError(c, 400, 'bad_request', 'body must be JSON');
      }
      const body = embeddingUploadSchema.safeParse(json);
      if (!body.success) return apiError(c, 400, 'bad_request', 'invalid embedding upload', body.error.issues);
      if (body.data.modelId !== MODEL_ID) {
        return apiError(
          c,
          422,
          'model_mismatch',
          `embeddings must come from model "${MODEL_ID}", got "${body.data.modelId}"`,
        );
      }
      const badCallback = checkCallback(c, deps, body.data.callbackUrl);
      if (badCallback) return badCallback;
      const embedding = normalise(body.data.embedding);
      if (!embedding) return apiError(c, 400, 'bad_request', 'embedding is all zeros');
      return publish(c, deps, embedding, body.data.quality, body.data);
    },
  );

  return app;
}

/** The error answer for a callback URL this deployment will not call, or null when it is fine (or absent). */
function checkCallback(c: Context, deps: UploadAppDeps, url: string | undefined): Response | null {
  if (!url) return null;
  if (!deps.callbacks) return apiError(c, 501, 'callbacks_unavailable', 'this deployment does not deliver callbacks');
  const refusal = deps.callbacks.refusal(url);
  return refusal ? apiError(c, 400, 'bad_callback_url', `callbackUrl ${refusal}`) : null;
}

async function publish(
  c: Context,
  deps: UploadAppDeps,
  embedding: Float32Array,
  quality: number,
  extra: { trackId?: string; tMs?: number; callbackUrl?: string },
) {
  const { site, camera } = c.req.param() as { site: string; camera: string };
  const trackId = extra.trackId ?? `upload-${randomUUID()}`;
  const t = extra.tMs ?? Date.now();
  const observation = buildObservation(
    { embedding, quality },
    { siteId: site, cameraId: camera, trackId, tStartMs: t, tEndMs: t },
  );
  try {
    await deps.publisher.publish([observation]);
  } catch (err) {
    if (err instanceof ContractError) return apiError(c, 400, err.code, err.message);
    throw err;
  }
  if (extra.callbackUrl) deps.callbacks!.expect(observation.observationId, extra.callbackUrl);
  const accepted: UploadAccepted = {
    observationId: observation.observationId,
    trackId,
    status: 'queued',
    callback: Boolean(extra.callbackUrl),
  };
  return c.json(accepted, 202);
}

/** Integrators may send the model's raw output (norm ≈ 3): the contract wants unit vectors. */
function normalise(values: number[]): Float32Array | null {
  const norm = Math.hypot(...values);
  return norm > 0 ? Float32Array.from(values, (v) => v / norm) : null;
}
