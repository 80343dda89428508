/** ingest: the camera worker. Images, video and streams in, FaceObservations out; pixels never leave this folder. */
export * from './face/index.ts';
export { isImageFile, listImageFiles } from './sources/list-image-files.ts';
export { isStreamUrl, readVideoFrames, type ReadVideoOptions, type VideoFrame } from './sources/read-video-frames.ts';
export { probeVideoDuration } from './sources/probe-video-duration.ts';
export { resolveSourceKind, type SourceKind } from './sources/resolve-source.ts';
export { ingestVideo, type IngestVideoOptions, type VideoIngestStats } from './ingest-video.ts';
export { runCameraVideo, type CameraVideoOptions } from './run-camera-video.ts';
export { FaceTrackObserver, type TrackOutcome, type TrackDropReason } from './observe-face-tracks.ts';
export { recordModelRun, sourceRestartsTotal } from './ingest-metrics.ts';
export { buildObservation, type ObservationContext } from './build-observation.ts';
export { ObservationPublisher, type BusDownPolicy } from './observation-publisher.ts';
export { ingestImages, type IngestImagesOptions, type IngestSummary } from './ingest-images.ts';
export {
  createUploadApp,
  IdentityCallbacks,
  type UploadAccepted,
  type UploadAppDeps,
  type IdentityCallbackBody,
} from './upload/index.ts';
export { CameraHeartbeats, type CameraHeartbeatOptions } from './camera-heartbeats.ts';
