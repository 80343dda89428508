/** FaceObservation: the contract of the face-observations topic, encoded and validated in one place. */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  FaceObservationSchema,
  UnidentifiedReason,
  type FaceObservation as FaceObservationMessage,
} from './gen/revisit/v1/face_observation_pb.ts';
import {
  checkEmbedding,
  checkId,
  checkTimes,
  ContractError,
  parseMessage,
  type MessageLimits,
} from './check-fields.ts';

export { UnidentifiedReason };

/** A face observation in memory: the generated message type with numbers and a Float32Array. */
export type FaceObservation = Omit<
  FaceObservationMessage,
  '$typeName' | '$unknown' | 'tStartMs' | 'tEndMs' | 'embedding' | 'unidentified' | 'pairingEmbedding'
> & {
  tStartMs: number;
  tEndMs: number;
  embedding: Float32Array;
  /** Present (and not UNSPECIFIED) only on a person seen but not identified: then `embedding` is empty. */
  unidentified?: UnidentifiedReason;
  /**
   * Only on a TOO_SMALL observation: a weak embedding of its face, used in worker memory to choose
   * which candidate visit the track joins; never matched to the gallery, never stored.
   */
  pairingEmbedding?: Float32Array;
};

/** Whether the observation is a person seen but not identified (no embedding, never re-identified). */
export function isUnidentified(obs: Pick<FaceObservation, 'unidentified'>): boolean {
  return (obs.unidentified ?? UnidentifiedReason.UNSPECIFIED) !== UnidentifiedReason.UNSPECIFIED;
}

/** Checks every field; throws ContractError naming the first problem. */
export function validateFaceObservation(obs: FaceObservation, limits: MessageLimits): FaceObservation {
  checkId('observation_id', obs.observationId);
  checkId('site_id', obs.siteId);
  if (!limits.isKnownSite(obs.siteId)) throw new ContractError('unknown_site', `unknown site "${obs.siteId}"`);
  checkId('camera_id', obs.cameraId);
  checkId('track_id', obs.trackId);
  checkId('model_id', obs.modelId);
  checkTimes(obs.tStartMs, obs.tEndMs, obs.siteId, limits.times);
  if (!isUnidentified(obs)) checkEmbedding(obs.embedding, limits.embeddingDim);
  else if (!(obs.unidentified! in UnidentifiedReason))
    throw new ContractError('bad_unidentified', `unknown unidentified reason ${obs.unidentified}`);
  else if (obs.embedding.length > 0)
    throw new ContractError('bad_unidentified', 'an unidentified observation carries no embedding');
  if (obs.pairingEmbedding && obs.pairingEmbedding.length > 0) {
    if (obs.unidentified !== UnidentifiedReason.TOO_SMALL)
      throw new ContractError(
        'bad_pairing_embedding',
        'only a too-small unidentified observation carries a pairing embedding',
      );
    checkEmbedding(obs.pairingEmbedding, limits.embeddingDim);
  }
  if (!Number.isFinite(obs.quality) || obs.quality < 0 || obs.quality > 1) {
    throw new ContractError('bad_quality', `quality must be within 0..1, got ${obs.quality}`);
  }
  if (obs.liveness !== undefined && !(Number.isFinite(obs.liveness) && obs.liveness >= 0 && obs.liveness <= 1)) {
    throw new ContractError('bad_liveness', `liveness must be within 0..1 when present, got ${obs.liveness}`);
  }
  if (
    obs.shotCosine !== undefined &&
    !(Number.isFinite(obs.shotCosine) && obs.shotCosine >= -1 && obs.shotCosine <= 1)
  ) {
    throw new ContractError('bad_shot_cosine', `shot_cosine must be within -1..1 when present, got ${obs.shotCosine}`);
  }
  if (obs.cannotLinkTrackIds.length > 256)
    throw new ContractError('too_many_cannot_links', 'at most 256 cannot-link track ids');
  return obs;
}

/** Validates, then encodes to protobuf bytes. Producers call this so bad data never reaches the topic. */
export function encodeFaceObservation(obs: FaceObservation, limits: MessageLimits): Uint8Array {
  validateFaceObservation(obs, limits);
  const bytes = toBinary(
    FaceObservationSchema,
    create(FaceObservationSchema, {
      ...obs,
      tStartMs: BigInt(obs.tStartMs),
      tEndMs: BigInt(obs.tEndMs),
      embedding: Array.from(obs.embedding),
      pairingEmbedding: Array.from(obs.pairingEmbedding ?? []),
    }),
  );
  if (bytes.length > limits.maxMessageBytes) {
    throw new ContractError('too_large', `message of ${bytes.length} bytes exceeds ${limits.maxMessageBytes}`);
  }
  return bytes;
}

/** Decodes and validates bytes from the topic; throws ContractError with a reason code. */
export function decodeFaceObservation(bytes: Uint8Array, limits: MessageLimits): FaceObservation {
  if (bytes.length > limits.maxMessageBytes) {
    throw new ContractError('too_large', `message of ${bytes.length} bytes exceeds ${limits.maxMessageBytes}`);
  }
  const { unidentified, pairingEmbedding, ...fields } = parseMessage(FaceObservationSchema, bytes);
  return validateFaceObservation(
    {
      ...fields,
      tStartMs: Number(fields.tStartMs),
      tEndMs: Number(fields.tEndMs),
      embedding: Float32Array.from(fields.embedding),
      ...(unidentified === UnidentifiedReason.UNSPECIFIED ? {} : { unidentified }),
      ...(pairingEmbedding.length === 0 ? {} : { pairingEmbedding: Float32Array.from(pairingEmbedding) }),
    },
    limits,
  );
}
