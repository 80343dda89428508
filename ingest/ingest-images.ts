/** Ingests still images: each face found becomes one observation on the bus; unreadable files are skipped and counted. */
import type { FaceObservation } from '../schemas/index.ts';
import { decodeImage, type FacePipeline } from './face/index.ts';
import { buildObservation } from './build-observation.ts';
import type { ObservationPublisher } from './observation-publisher.ts';

export interface IngestImagesOptions {
  siteId: string;
  cameraId: string;
  files: string[];
  /** Time of each image's sighting; default now. */
  timeOf?: (file: string, index: number) => number;
  onProgress?: (done: number, faces: number) => void;
}

export interface IngestSummary {
  images: number;
  faces: number;
  observations: number;
  /** Files that could not be used, with the reason (unreadable, no face). */
  skipped: Array<{ file: string; reason: string }>;
}

export async function ingestImages(
  pipeline: FacePipeline,
  publisher: ObservationPublisher,
  opts: IngestImagesOptions,
): Promise<IngestSummary> {
  const summary: IngestSummary = { images: 0, faces: 0, observations: 0, skipped: [] };
  for (const [i, file] of opts.files.entries()) {
    let observations: FaceObservation[] = [];
    try {
      const faces = await pipeline.embedFaces(await decodeImage(file));
      if (faces.length === 0) summary.skipped.push({ file, reason: 'no face found' });
      const t = opts.timeOf?.(file, i) ?? Date.now();
      // Track ids are ids, not file names (which may hold any character).
      const tracks = faces.map((_, k) => `image-${i}-face-${k}`);
      observations = faces.map((face, k) =>
        buildObservation(face, {
          siteId: opts.siteId,
          cameraId: opts.cameraId,
          trackId: tracks[k],
          tStartMs: t,
          tEndMs: t,
          cannotLinkTrackIds: tracks.filter((_, j) => j !== k),
        }),
      );
      summary.faces += faces.length;
    } catch (err) {
      summary.skipped.push({ file, reason: (err as Error).message });
    }
    await publisher.publish(observations);
    summary.observations += observations.length;
    summary.images++;
    opts.onProgress?.(summary.images, summary.faces);
  }
  return summary;
}
