/** Runs a labelled folder (one sub-folder per person) through the real face pipeline, skipping what it cannot use. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeImage,
  pickPrimaryFace,
  type EmbeddedFace,
  type FacePipeline,
  type RgbImage,
} from '../../ingest/face/index.ts';
import { listImageFiles } from '../../ingest/sources/list-image-files.ts';

/** One usable photo: who it is and what the pipeline made of it. */
export interface LabelledFace {
  person: string;
  file: string;
  embedding: Float32Array;
  quality: number;
  /** The other faces of the photo (bystanders, unlabelled): the same frame, so certainly other people. */
  others?: Array<{ embedding: Float32Array; quality: number }>;
}

export interface SkippedImage {
  file: string;
  reason: string;
}

export interface LabelledFaces {
  faces: LabelledFace[];
  skipped: SkippedImage[];
}

/**
 * Images no larger than the detector's 320×240 input are portrait crops (ORL 92×112, faces94
 * 180×200), and the detector, trained on scenes, does better on them padded (embedTightCrop).
 * Measured: on faces94's drbost, the unpadded detector picks a face-like patch above the head
 * (score 0.99) in 4 of 16 photos, which then form a second "person"; padded, all 16 are found
 * right (cosine 0.97–0.99 to the others).
 */
const CROP_MAX_SIDE = 320;

/** Every image file under `dir`, labelled by its first-level sub-folder (the person). */
export function listLabelledImages(dir: string): Array<{ file: string; person: string }> {
  let people: string[];
  try {
    people = readdirSync(dir)
      .filter((name) => statSync(join(dir, name)).isDirectory())
      .sort();
  } catch {
    throw new Error(`faces folder not found: ${dir}`);
  }
  const out = people.flatMap((person) => {
    try {
      return listImageFiles(join(dir, person)).map((file) => ({ file, person }));
    } catch {
      return []; // a person folder without images contributes nothing
    }
  });
  if (out.length === 0)
    throw new Error(`no labelled images under ${dir}: expected one sub-folder of images per person`);
  return out;
}

/** The face a single-subject photo is about; tight crops go through the padded detector. */
export async function embedSubject(pipeline: FacePipeline, image: RgbImage): Promise<EmbeddedFace | null> {
  if (Math.max(image.width, image.height) <= CROP_MAX_SIDE) return pipeline.embedTightCrop(image);
  return pipeline.embedPrimaryFace(image);
}

/** The subject as embedSubject finds it (same detections, same embedding), and every other face of the photo. */
export async function embedSubjectAndOthers(
  pipeline: FacePipeline,
  image: RgbImage,
): Promise<{ subject: EmbeddedFace; others: EmbeddedFace[] } | null> {
  if (Math.max(image.width, image.height) <= CROP_MAX_SIDE) {
    const [subject, ...others] = await pipeline.embedTightCropFaces(image);
    return subject ? { subject, others } : null;
  }
  const faces = await pipeline.embedFaces(image);
  const subject = pickPrimaryFace(faces, image);
  return subject ? { subject, others: faces.filter((f) => f !== subject) } : null;
}

/**
 * Embeds each labelled image in turn; unreadable images and images without a face are skipped
 * with a reason. `withOthers` also keeps the photos' other faces (for label-free calibration).
 */
export async function embedLabelledFolder(
  pipeline: FacePipeline,
  dir: string,
  onProgress: (done: number, total: number, faces: number) => void = () => {},
  withOthers = false,
): Promise<LabelledFaces> {
  const images = listLabelledImages(dir);
  const faces: LabelledFace[] = [];
  const skipped: SkippedImage[] = [];
  for (const [i, { file, person }] of images.entries()) {
    try {
      const image = await decodeImage(file);
      const found = withOthers ? await embedSubjectAndOthers(pipeline, image) : null;
      const face = withOthers ? (found?.subject ?? null) : await embedSubject(pipeline, image);
      const others = found?.others.map((f) => ({ embedding: f.embedding, quality: f.quality }));
      if (face)
        faces.push({ person, file, embedding: face.embedding, quality: face.quality, ...(others ? { others } : {}) });
      else skipped.push({ file, reason: 'no face found' });
    } catch (err) {
      skipped.push({ file, reason: (err as Error).message });
    }
    onProgress(i + 1, images.length, faces.length);
  }
  return { faces, skipped };
}
