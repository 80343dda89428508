/** CameraHeartbeat: a camera worker vouching that it analysed frames over an interval (the coverage behind every figure). */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  CameraHeartbeatSchema,
  type CameraHeartbeat as CameraHeartbeatMessage,
} from './gen/revisit/v1/camera_heartbeat_pb.ts';
import { checkId, checkTimes, ContractError, parseMessage, type MessageLimits } from './check-fields.ts';

/** A heartbeat in memory: the generated message type with epoch-ms numbers. */
export type CameraHeartbeat = Omit<CameraHeartbeatMessage, '$typeName' | '$unknown' | 'tStartMs' | 'tEndMs'> & {
  tStartMs: number;
  tEndMs: number;
};

/** A heartbeat longer than this vouches for more than a worker can know at once: refused. */
export const MAX_HEARTBEAT_SPAN_MS = 3_600_000;

/** Throws ContractError when a field is out of contract (ids, times in the window, span). */
export function validateCameraHeartbeat(
  h: CameraHeartbeat,
  limits: Pick<MessageLimits, 'isKnownSite' | 'times'>,
): void {
  checkId('site_id', h.siteId);
  checkId('camera_id', h.cameraId);
  if (!limits.isKnownSite(h.siteId))
    throw new ContractError('unknown_site', `site ${JSON.stringify(h.siteId)} is not configured`);
  checkTimes(h.tStartMs, h.tEndMs, h.siteId, limits.times);
  if (h.tEndMs - h.tStartMs > MAX_HEARTBEAT_SPAN_MS)
    throw new ContractError(
      'bad_time',
      `a heartbeat spans at most ${MAX_HEARTBEAT_SPAN_MS} ms, got ${h.tEndMs - h.tStartMs}`,
    );
}

export function encodeCameraHeartbeat(
  h: CameraHeartbeat,
  limits: Pick<MessageLimits, 'isKnownSite' | 'times'>,
): Uint8Array {
  validateCameraHeartbeat(h, limits);
  return toBinary(
    CameraHeartbeatSchema,
    create(CameraHeartbeatSchema, { ...h, tStartMs: BigInt(h.tStartMs), tEndMs: BigInt(h.tEndMs) }),
  );
}

export function decodeCameraHeartbeat(
  bytes: Uint8Array,
  limits: Pick<MessageLimits, 'isKnownSite' | 'times'>,
): CameraHeartbeat {
  const fields = parseMessage(CameraHeartbeatSchema, bytes);
  const h = { ...fields, tStartMs: Number(fields.tStartMs), tEndMs: Number(fields.tEndMs) };
  validateCameraHeartbeat(h, limits);
  return h;
}
