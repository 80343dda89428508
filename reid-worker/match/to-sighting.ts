/** The sighting row an assigned observation becomes. */
import type { FaceObservation, Sighting } from '../../schemas/index.ts';

export function toSighting(
  obs: FaceObservation,
  identityId: string,
  similarity: number,
  isNewIdentity: boolean,
): Sighting {
  return {
    observationId: obs.observationId,
    siteId: obs.siteId,
    cameraId: obs.cameraId,
    identityId,
    tStartMs: obs.tStartMs,
    tEndMs: obs.tEndMs,
    similarity,
    isNewIdentity,
    quality: obs.quality,
    modelId: obs.modelId,
    label: '',
  };
}
