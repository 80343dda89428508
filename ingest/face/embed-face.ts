/** Turns an aligned 112×112 face into a 512-d unit embedding with fr_feature.onnx. */
import { ALIGNED_SIZE, toFeatureTensor } from './align-face.ts';
import { Tensor, type InferenceSession } from './onnx-session.ts';

/**
 * Embeds an aligned crop (RGB interleaved 0..255, from warpAligned). The raw output has a norm
 * around 3 and the package's `matchFeature` is broken (always −1): L2-normalise, compare by cosine.
 */
export async function embedFace(session: InferenceSession, aligned: Float32Array): Promise<Float32Array> {
  const input = toFeatureTensor(aligned);
  const out = await session.run({ input: new Tensor('float32', input, [1, 3, ALIGNED_SIZE, ALIGNED_SIZE]) });
  const raw = out.output.data as Float32Array;
  let sum = 0;
  for (const v of raw) sum += v * v;
  const norm = Math.sqrt(sum) || 1;
  const embedding = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) embedding[i] = raw[i] / norm;
  return embedding;
}
