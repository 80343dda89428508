/** Chooses the one face a single-subject photo is about (enrolment, erasure requests, evaluation). */
import type { EmbeddedFace } from './face-types.ts';

/**
 * The most confident detection; near-ties (within 0.01) go to the larger face.
 * Not simply the largest: on deepface p13/41 a false positive on the blurred crowd behind the
 * subject (score 0.97) is larger than the real face (score 1.00), and picking it turned a
 * 0 % EER into 2 %.
 */
export function pickPrimaryFace(faces: EmbeddedFace[]): EmbeddedFace | undefined {
  let best: EmbeddedFace | undefined;
  for (const face of faces) {
    if (!best || face.detectorScore > best.detectorScore + 0.01) best = face;
    else if (face.detectorScore > best.detectorScore - 0.01 && boxArea(face) > boxArea(best)) best = face;
  }
  return best;
}

function boxArea(face: EmbeddedFace): number {
  return face.box.width * face.box.height;
}
