/** Makes "another camera's view" of a face: a jittered, rescaled, re-lit crop around it, in memory only. */
import sharp from 'sharp';
import type { FaceBox, RgbImage } from '../../ingest/index.ts';
import type { Random } from '../../common/seeded-random.ts';

/** Crop side as a multiple of the face: the detector needs context around the face. */
const CONTEXT = 2.6;

export async function augmentFace(photo: RgbImage, box: FaceBox, random: Random): Promise<RgbImage> {
  const side = Math.max(box.width, box.height) * CONTEXT * (0.9 + 0.2 * random());
  const cx = box.x + box.width / 2 + (random() - 0.5) * 0.2 * box.width;
  const cy = box.y + box.height / 2 + (random() - 0.5) * 0.2 * box.height;
  const left = Math.max(0, Math.round(cx - side / 2));
  const top = Math.max(0, Math.round(cy - side / 2));
  const width = Math.min(photo.width - left, Math.round(side));
  const height = Math.min(photo.height - top, Math.round(side));
  const target = Math.round(200 + 200 * random()); // cameras see faces at different sizes
  const gain = 0.8 + 0.4 * random();
  let img = sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize(target, target, { fit: 'inside' })
    .linear(gain, 0);
  if (random() < 0.5) img = img.flop();
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}
