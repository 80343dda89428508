/** ingest: the camera worker. Images in, FaceObservations out; pixels never leave this folder. */
export * from './face/index.ts';
export { listImageFiles } from './sources/list-image-files.ts';
export { buildObservation, MODEL_ID, MODEL_VERSION, type ObservationContext } from './build-observation.ts';
export { ObservationPublisher } from './observation-publisher.ts';
export { ingestImages, type IngestImagesOptions, type IngestSummary } from './ingest-images.ts';
