/** Predicts 68 facial landmarks with fr_landmark.onnx from a detector box. */
import type { DetectedFace } from './detect-faces.ts';
import type { FrameImage } from './face-types.ts';
import { Tensor, type InferenceSession } from './onnx-session.ts';
import { regionMap, sampleAffineGrey } from './sample-pixels.ts';

const SIZE = 64;

/**
 * Returns 68 points as [x0, y0, x1, y1, …] in image pixels.
 * The crop is FacePlugin's Python SDK one, not its JS one (with B,G,R feature input it lifted
 * LFW accuracy from 97.9 % to 98.65 %, shared/stack-notes.md):
 * a square of side sqrt(w·h) centred on the raw box, widened 5 % left and right and extended
 * 10 % down (so still square), resized to 64×64 bilinearly (cv.resize's default, as the package),
 * grey by proper luma, px/256.
 */
export async function estimateLandmarks(
  session: InferenceSession,
  image: FrameImage,
  face: DetectedFace,
): Promise<Float32Array> {
  const side = Math.sqrt((face.x2 - face.x1) * (face.y2 - face.y1));
  const cx = (face.x1 + face.x2) / 2;
  const cy = (face.y1 + face.y2) / 2;
  const left = cx - side / 2 - 0.05 * side;
  const top = cy - side / 2;
  const width = side * 1.1;
  const height = side * 1.1;
  const input = sampleAffineGrey(image, regionMap(left, top, width, height, SIZE, SIZE), SIZE, SIZE);
  for (let i = 0; i < input.length; i++) input[i] /= 256;
  const out = await session.run({ input: new Tensor('float32', input, [1, 1, SIZE, SIZE]) });
  const rel = out.output.data as Float32Array;
  const points = new Float32Array(136);
  for (let i = 0; i < 68; i++) {
    points[2 * i] = left + rel[2 * i] * width;
    points[2 * i + 1] = top + rel[2 * i + 1] * height;
  }
  return points;
}
