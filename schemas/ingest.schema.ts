/** Contracts of the camera worker: its configuration section and the integrated-mode upload bodies. */
import { z } from 'zod';
import { hostOrNetworkSchema } from './network.schema.ts';
import { idSchema } from './id.schema.ts';

const trackingSchema = z.object({
  minIou: z
    .number()
    .min(0)
    .max(1)
    .default(0.3)
    .describe('Predicted-box IoU at or above which a face continues a track'),
  maxCentreShiftSides: z
    .number()
    .min(0)
    .max(5)
    .default(1)
    .describe('Or: centre within this many face sides of the prediction'),
  maxMissedFrames: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(4)
    .describe('Analysed frames a track may go unseen before it ends'),
  maxOpenTracks: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(32)
    .describe('More open tracks close the stalest (bounds memory)'),
});

const qualitySchema = z.object({
  minFaceSidePx: z.number().min(0).default(40).describe('Smaller faces are never best shots'),
  minSharpness: z
    .number()
    .min(0)
    .max(1)
    .default(0.3)
    .describe('Sharpness part of the quality score, v/(v+100) of the Laplacian variance'),
  minDetectorScore: z.number().min(0).max(1).default(0.8),
  maxYaw: z.number().min(0).max(1).default(0.35).describe('|yaw| proxy in inter-ocular distances; ~0.5 is a profile'),
  maxPitch: z.number().min(0).max(1).default(0.3).describe('|pitch| proxy in eye-to-mouth distances'),
  minQuality: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Quality score (size, sharpness, detector) a best shot must reach'),
  bestShots: z.number().int().min(1).max(16).default(3).describe('Frames per track kept, embedded and averaged'),
  minTrackFrames: z.number().int().min(1).default(2).describe('Shorter tracks are detector flicker, not people'),
  pairingEmbeddings: z
    .boolean()
    .default(true)
    .describe(
      'A track seen only too small to identify carries a weak embedding of its largest face (pairing_embedding): the re-id worker uses it only to choose which of the few candidate visits the track joins, never to identify anyone or match the gallery, and keeps it in memory only; false: such tracks join by time alone (at chance)',
    ),
  pairingMinFaceSidePx: z
    .number()
    .min(8)
    .max(40)
    .default(16)
    .describe(
      'Smaller faces give no pairing embedding: measured on lfw_dev (docs/calibration.md), among 5 candidates a 16 px face picks its own visit 90 % of the time clean but 40 % blurred and compressed (chance 20 %), and the detector itself loses faces below it',
    ),
});

const unidentifiedSchema = z.object({
  count: z
    .boolean()
    .default(true)
    .describe(
      'Publish a person whose face never passed the quality gate (too small, blurred, turned away) as "seen, not identified": counted in footfall, never re-identified; false: drop the track as low_quality',
    ),
  minFrames: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('Frames with a face such a track needs to count as a person (shorter ones are mostly detector flicker)'),
  minDetectorScore: z
    .number()
    .min(0)
    .max(1)
    .default(0.9)
    .describe("Its best face's detector score must reach this: false detections on textures seldom do"),
});

const livenessSchema = z.object({
  action: z
    .enum(['drop', 'flag', 'off'])
    .default('flag')
    .describe(
      'drop: spoofs never leave the worker; flag: published with their p(live); off: not run. Flag by default: on the video path the model rejects most real faces (revisit calibrate --liveness; docs/calibration.md), and dropping is for when it costs at most 1 % of them',
    ),
  minLive: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Mean p(live) of the best shots below which a track is a spoof'),
});

const staticFaceSchema = z.object({
  minFrames: z.number().int().min(2).default(25).describe('A track this long that never moved is a poster or a screen'),
  maxTravelSides: z
    .number()
    .min(0)
    .default(0.05)
    .describe('"Never moved": centre stayed within this many face sides of its start'),
});

const detectionSchema = z.object({
  mode: z
    .enum(['full', 'tiles', 'motion'])
    .default('motion')
    .describe(
      'full: the detector sees only the whole frame shrunk to 320×240 (faces below ~40 px at 720p are often lost); tiles: also overlapping tiles of the frame at tileScale, merged (finds faces from ~24 px); motion (default: the capture of tiles at about half their extra cost, npm run bench): tiles only where the picture changed, a face was found in recent frames or the whole-frame pass saw a weak face, and all tiles every refreshFrames',
    ),
  tileScale: z
    .number()
    .min(1)
    .max(4)
    .default(2)
    .describe(
      'Frame pixels per detector pixel in a tile (the whole-frame view of 1280×720 has 4 by 3): 2 finds faces down to ~24 px wide',
    ),
  minCellChange: z
    .number()
    .min(0.5)
    .max(64)
    .default(4)
    .describe(
      "motion mode: change of a 16×16-pixel cell's mean brightness (0–255) between analysed frames that counts as motion",
    ),
  refreshFrames: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe('motion mode: every this many analysed frames all tiles run, so a person who stood still is found again'),
});

const cameraSchema = z.object({
  detection: detectionSchema
    .partial()
    .optional()
    .describe("Overrides of ingest.detection for this camera (e.g. a ceiling camera seeing small faces: mode 'tiles')"),
});

const reconnectSchema = z.object({
  initialDelayMs: z.number().int().min(0).default(500),
  maxDelayMs: z.number().int().min(0).default(30_000),
  maxFailures: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Consecutive attempts that yield no frame before the source is given up'),
  stallTimeoutMs: z.number().int().min(100).default(10_000).describe('A stream silent this long is restarted'),
});

const uploadSchema = z.object({
  maxImageBytes: z.number().int().min(1024).max(50_000_000).default(2_000_000),
  maxJsonBytes: z.number().int().min(1024).max(1_000_000).default(64_000),
  callbackTtlMs: z.number().int().min(1000).default(600_000).describe('A callback not answered by then is forgotten'),
  callbackMaxPending: z
    .number()
    .int()
    .min(1)
    .default(10_000)
    .describe('Most callbacks waiting at once (oldest forgotten first)'),
  callbackTimeoutMs: z
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe('Time allowed to the integrator to answer a callback'),
  callbackAllowHttp: z
    .boolean()
    .default(false)
    .describe('Also allow plain http: callback URLs (https: only by default)'),
  callbackAllowList: z
    .array(hostOrNetworkSchema)
    .max(1000)
    .default([])
    .describe(
      'Host names and IP addresses or CIDR blocks callbacks may reach although not public (loopback, private, link-local); empty: public addresses only',
    ),
  maxPixels: z
    .number()
    .int()
    .min(1_000_000)
    .max(268_402_689)
    .default(40_000_000)
    .describe(
      "Uploaded images with more pixels (width × height, read from the header) are refused before decoding; 40 MP is above any camera's still",
    ),
  maxConcurrentPerKey: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe('Image uploads (and erasures by image) one API key may have decoding at once; more get 429'),
});

export const ingestConfigSchema = z.object({
  analysisFps: z.number().positive().max(60).default(5).describe('Frames per second analysed from video sources'),
  heartbeatEveryMs: z
    .number()
    .int()
    .min(1000)
    .max(3_600_000)
    .default(60_000)
    .describe(
      'How often a camera worker says it is analysing frames: an hour without a heartbeat is "no data", never zero',
    ),
  maxFrameSide: z.number().int().min(160).max(7680).default(1280).describe('Decoded frames are shrunk to this width'),
  detection: detectionSchema
    .prefault({})
    .describe('How the face detector looks at each frame (per camera: ingest.cameras.<id>.detection)'),
  cameras: z
    .record(idSchema, cameraSchema)
    .default({})
    .describe('Settings of single cameras, by camera id, over the defaults above'),
  tracking: trackingSchema.prefault({}),
  quality: qualitySchema.prefault({}),
  unidentified: unidentifiedSchema.prefault({}).describe('Tracks of people too small or too poor to identify'),
  liveness: livenessSchema.prefault({}),
  staticFace: staticFaceSchema.prefault({}),
  reconnect: reconnectSchema.prefault({}),
  upload: uploadSchema.prefault({}),
  whenBusDown: z
    .enum(['buffer', 'drop'])
    .default('buffer')
    .describe('Kafka unreachable: keep observations in memory until it is back, or drop them (both counted)'),
  busDownBufferMax: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(10_000)
    .describe('Most observations buffered while Kafka is down; beyond it the oldest are dropped'),
  busDownAfterMs: z
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(5_000)
    .describe('A publish unanswered this long means Kafka is down'),
});

export type IngestConfig = z.infer<typeof ingestConfigSchema>;
/** How the detector looks at a camera's frames. */
export type DetectionConfig = z.infer<typeof detectionSchema>;

/** The detection settings of one camera: its own overrides over the defaults. */
export function cameraDetection(
  ingest: Pick<IngestConfig, 'detection' | 'cameras'>,
  cameraId: string,
): DetectionConfig {
  return { ...ingest.detection, ...ingest.cameras[cameraId]?.detection };
}
/** What a config file's `ingest` section may contain: everything optional. */
export type IngestConfigInput = z.input<typeof ingestConfigSchema>;

const callbackUrlSchema = z
  .string()
  .max(2048)
  .url()
  .refine((u) => URL.canParse(u) && ['http:', 'https:'].includes(new URL(u).protocol), 'must be an http(s) URL')
  .describe('Where the assigned anonymous id is POSTed once the re-id worker has it');

/** Query of POST …/faces (the body is the image itself). */
export const faceUploadQuerySchema = z.object({
  trackId: idSchema.optional(),
  tMs: z.coerce.number().int().positive().optional(),
  callbackUrl: callbackUrlSchema.optional(),
});

/** Body of POST …/embeddings: an embedding the integrating application computed with our model. */
export const embeddingUploadSchema = z.object({
  embedding: z.array(z.number().refine(Number.isFinite, 'must be finite')).min(16).max(4096),
  quality: z.number().min(0).max(1).default(1),
  modelId: idSchema,
  modelVersion: z.string().min(1).max(128),
  trackId: idSchema.optional(),
  tMs: z.number().int().positive().optional(),
  callbackUrl: callbackUrlSchema.optional(),
});

export type FaceUploadQuery = z.infer<typeof faceUploadQuerySchema>;
export type EmbeddingUpload = z.infer<typeof embeddingUploadSchema>;
