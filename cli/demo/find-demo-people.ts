/** Finds the demo's distinct people in the sample photos: one per face, near-duplicates across photos dropped. */
import { cosine, decodeImage, type FaceBox, type FacePipeline, type RgbImage } from '../../ingest/index.ts';

export interface DemoPerson {
  photo: RgbImage;
  box: FaceBox;
}

/**
 * Two faces this similar may be one person photographed twice; keeping both would make the
 * demo's ground truth wrong, so only the first is kept. Well below the match threshold.
 */
const SAME_PERSON_RISK = 0.35;
/** Faces smaller than this (px) give poor crops after augmentation. */
const MIN_FACE_PX = 80;

export async function findDemoPeople(pipeline: FacePipeline, photoFiles: string[]): Promise<DemoPerson[]> {
  const people: Array<DemoPerson & { embedding: Float32Array }> = [];
  for (const file of photoFiles) {
    const photo = await decodeImage(file);
    for (const face of await pipeline.embedFaces(photo)) {
      if (Math.min(face.box.width, face.box.height) < MIN_FACE_PX) continue;
      if (people.some((p) => cosine(p.embedding, face.embedding) >= SAME_PERSON_RISK)) continue;
      people.push({ photo, box: face.box, embedding: face.embedding });
    }
  }
  return people.map(({ photo, box }) => ({ photo, box }));
}
