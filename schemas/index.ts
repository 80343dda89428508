/** schemas: the contracts. Kafka messages (protobuf, versioned), config, and ClickHouse migrations. */
export { ContractError, type MessageLimits, type TimeWindow } from './check-fields.ts';
export { ID_PATTERN, ID_RULE, idSchema } from './id.schema.ts';
export { messageLimits } from './message-limits.ts';
export { siteRetentionOf, type SiteRetention } from './site-retention.ts';
export { matchThresholdOf } from './match-threshold.ts';
export {
  type FaceObservation,
  decodeFaceObservation,
  encodeFaceObservation,
  isUnidentified,
  UnidentifiedReason,
  validateFaceObservation,
} from './face-observation.ts';
export { type Sighting, decodeSighting, encodeSighting } from './sighting.ts';
export { type IdentityMergeEvent, decodeIdentityMerge, encodeIdentityMerge } from './identity-merge.ts';
export {
  configSchema,
  DEFAULT_CALLBACK_GROUP,
  DEFAULT_WORKER_GROUP,
  type RevisitConfig,
  type RevisitConfigInput,
  type SiteConfig,
  type ApiKeyConfig,
} from './config.schema.ts';
export { listMigrations, type Migration } from './clickhouse/list-migrations.ts';
export { calibrationQuerySchema, type CalibrationQueryParams, type ErrorBody } from './http.schema.ts';
export {
  ingestConfigSchema,
  cameraDetection,
  faceUploadQuerySchema,
  embeddingUploadSchema,
  type DetectionConfig,
  type IngestConfig,
  type IngestConfigInput,
  type FaceUploadQuery,
  type EmbeddingUpload,
} from './ingest.schema.ts';
export {
  type CameraHeartbeat,
  decodeCameraHeartbeat,
  encodeCameraHeartbeat,
  validateCameraHeartbeat,
  MAX_HEARTBEAT_SPAN_MS,
} from './camera-heartbeat.ts';
