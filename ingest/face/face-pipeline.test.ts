/** Measures the real ONNX face pipeline on labelled faces: verification EER and basic invariants. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { facesDir, labelledImages } from '../../test/harness/faces-dir.ts';
import { FacePipeline, decodeImage, equalErrorRate, scorePairs, type EmbeddedFace, type RgbImage } from './index.ts';

async function embedSet(
  set: string,
  embed: (image: RgbImage) => Promise<EmbeddedFace | null>,
): Promise<{ embeddings: Float32Array[]; labels: string[]; msPerImage: number }> {
  const embeddings: Float32Array[] = [];
  const labels: string[] = [];
  const files = labelledImages(set);
  const start = performance.now();
  for (const [file, person] of files) {
    const face = await embed(await decodeImage(file));
    assert.ok(face, `no face found in ${file}`);
    embeddings.push(face.embedding);
    labels.push(person);
  }
  return { embeddings, labels, msPerImage: (performance.now() - start) / files.length };
}

describe('FacePipeline on real faces', () => {
  let pipeline: FacePipeline;
  before(async () => {
    pipeline = await FacePipeline.load({ fetch: true });
  });
  after(() => pipeline.close());

  test('an embedded face has a 512-d unit embedding, a box in the image and sane landmarks', async () => {
    const image = await decodeImage(labelledImages('deepface')[0][0]);
    const faces = await pipeline.embedFaces(image);
    assert.ok(faces.length >= 1);
    for (let i = 1; i < faces.length; i++) {
      assert.ok(
        faces[i - 1].box.width * faces[i - 1].box.height >= faces[i].box.width * faces[i].box.height,
        'largest first',
      );
    }
    const [face] = faces;
    assert.equal(face.embedding.length, 512);
    const norm = Math.hypot(...face.embedding);
    assert.ok(Math.abs(norm - 1) < 1e-4, `norm ${norm}`);
    const { x, y, width, height } = face.box;
    assert.ok(x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= image.width && y + height <= image.height);
    assert.equal(face.landmarks5.length, 5);
    const [leftEye, rightEye, nose, mouthLeft] = face.landmarks5;
    assert.ok(leftEye[0] < rightEye[0], 'left eye is left of right eye');
    assert.ok(leftEye[1] < nose[1] && nose[1] < mouthLeft[1], 'eyes above nose above mouth');
    assert.ok(face.quality > 0.5 && face.quality <= 1, `quality ${face.quality}`);
    assert.ok(face.detectorScore >= 0.65 && face.detectorScore <= 1);
    assert.equal(face.liveness, undefined, 'liveness is computed only when asked');
    const [live] = await pipeline.embedFaces(image, { liveness: true });
    assert.ok(live.liveness !== undefined && live.liveness > 0.5 && live.liveness <= 1, `p(live) ${live.liveness}`);
  });

  test('unreadable input fails with an error naming the file and the reason', async () => {
    const missing = facesDir('no-such-dir', 'nope.jpg');
    await assert.rejects(
      decodeImage(missing),
      (err: Error) => err.message.includes(missing) && /ENOENT/.test(err.message),
    );
    await assert.rejects(
      decodeImage(Buffer.from('this is not an image'), { name: 'upload-42' }),
      /cannot decode image upload-42: /,
    );
    await assert.rejects(
      decodeImage(Buffer.from('P5\n92 112\n255\n\x00\x01')),
      /cannot decode image <buffer>: truncated PGM data/,
    );
  });

  test('PGM faces decode to RGB at their own size', async () => {
    const image = await decodeImage(labelledImages('orl')[0][0]);
    assert.deepEqual([image.width, image.height, image.data.length], [92, 112, 92 * 112 * 3]);
  });

  test('deepface: every pair, EER ≤ 1 %', async (t) => {
    const { embeddings, labels, msPerImage } = await embedSet('deepface', (img) => pipeline.embedPrimaryFace(img));
    const scores = scorePairs(embeddings, labels);
    const result = equalErrorRate(scores);
    t.diagnostic(
      `deepface: ${embeddings.length} images, ${scores.genuine.length} genuine / ${scores.impostor.length} impostor pairs, EER ${(100 * result.eer).toFixed(2)} % at cosine ${result.threshold.toFixed(3)}, ${msPerImage.toFixed(0)} ms/image`,
    );
    assert.ok(result.eer <= 0.01, `EER ${result.eer}`);
  });

  test('orl (tight 92×112 grey crops): every pair, EER ≤ 5 %', async (t) => {
    const { embeddings, labels, msPerImage } = await embedSet('orl', (img) => pipeline.embedTightCrop(img));
    const scores = scorePairs(embeddings, labels);
    const result = equalErrorRate(scores);
    t.diagnostic(
      `orl: ${embeddings.length} images, ${scores.genuine.length} genuine / ${scores.impostor.length} impostor pairs, EER ${(100 * result.eer).toFixed(2)} % at cosine ${result.threshold.toFixed(3)}, ${msPerImage.toFixed(0)} ms/image`,
    );
    assert.ok(result.eer <= 0.05, `EER ${result.eer}`);
  });
});
