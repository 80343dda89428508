/** Turns an embedded face into the FaceObservation that leaves the camera worker: no pixels, no box. */
import { randomUUID } from 'node:crypto';
import { MODEL_ID, MODEL_VERSION } from '../models/index.ts';
import type { FaceObservation, UnidentifiedReason } from '../schemas/index.ts';
import type { EmbeddedFace } from './face/index.ts';

export interface ObservationContext {
  siteId: string;
  cameraId: string;
  trackId: string;
  tStartMs: number;
  tEndMs: number;
  /** Other tracks seen at the same time: certainly other people. */
  cannotLinkTrackIds?: string[];
  /** p(live) when the liveness model ran. */
  liveness?: number;
  /** Cosine of two of the track's shots far apart in time (a genuine pair for calibration). */
  shotCosine?: number;
  /** Why a person seen could not be identified (then the embedding is empty). */
  unidentified?: UnidentifiedReason;
  /** A too-small face's weak embedding (only with `unidentified` TOO_SMALL): it chooses a visit, never an identity. */
  pairingEmbedding?: Float32Array;
}

/** The observation of one face (or one track's averaged face, or a track seen but not identified): a fresh id, the embedding, no pixels. */
export function buildObservation(
  face: Pick<EmbeddedFace, 'embedding' | 'quality'>,
  ctx: ObservationContext,
): FaceObservation {
  return {
    observationId: randomUUID(),
    siteId: ctx.siteId,
    cameraId: ctx.cameraId,
    trackId: ctx.trackId,
    tStartMs: ctx.tStartMs,
    tEndMs: ctx.tEndMs,
    embedding: face.embedding,
    quality: face.quality,
    modelId: MODEL_ID,
    modelVersion: MODEL_VERSION,
    cannotLinkTrackIds: ctx.cannotLinkTrackIds ?? [],
    ...(ctx.liveness === undefined ? {} : { liveness: ctx.liveness }),
    ...(ctx.shotCosine === undefined ? {} : { shotCosine: ctx.shotCosine }),
    ...(ctx.unidentified === undefined ? {} : { unidentified: ctx.unidentified }),
    ...(ctx.pairingEmbedding === undefined ? {} : { pairingEmbedding: ctx.pairingEmbedding }),
  };
}
