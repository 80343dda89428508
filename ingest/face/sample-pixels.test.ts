/** Reading YUV 4:2:0 video frames: colours come back as RGB, and real faces come out of a frame as they do out of its RGB photo. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { labelledImages } from '../../test/harness/faces-dir.ts';
import { cosine, decodeImage, FacePipeline, type RgbImage, type Yuv420Image } from './index.ts';
import { resampleRegion } from './resample-region.ts';
import { regionMap, sampleAffine, sampleAffineGrey } from './sample-pixels.ts';

/** BT.601 limited-range 4:2:0, chroma averaged over 2×2 (what a decoder's frame of this picture holds). */
function toYuv420(img: RgbImage): Yuv420Image {
  const { width, height, data } = img;
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const y = new Uint8Array(width * height);
  const u = new Uint8Array(cw * ch);
  const v = new Uint8Array(cw * ch);
  const uSum = new Float64Array(cw * ch);
  const vSum = new Float64Array(cw * ch);
  const count = new Float64Array(cw * ch);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [data[3 * i], data[3 * i + 1], data[3 * i + 2]];
    y[i] = Math.round(16 + 0.256788 * r + 0.504129 * g + 0.097906 * b);
    const c = (Math.floor(i / width) >> 1) * cw + ((i % width) >> 1);
    uSum[c] += 128 - 0.148223 * r - 0.290993 * g + 0.439216 * b;
    vSum[c] += 128 + 0.439216 * r - 0.367788 * g - 0.071427 * b;
    count[c]++;
  }
  for (let c = 0; c < cw * ch; c++) {
    u[c] = Math.round(uSum[c] / count[c]);
    v[c] = Math.round(vSum[c] / count[c]);
  }
  return { width, height, y, u, v };
}

function solid(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, 3 * i);
  return { width, height, data };
}

test('flat colours read back from a YUV frame as their RGB (within rounding), and outside the frame is black', () => {
  for (const colour of [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [128, 128, 128],
    [230, 180, 150],
    [20, 30, 40],
  ] as Array<[number, number, number]>) {
    const yuv = toYuv420(solid(9, 7, colour));
    const at = (x: number, y: number) => [...sampleAffine(yuv, { xu: 0, xv: 0, x0: x, yu: 0, yv: 0, y0: y }, 1, 1)];
    const inner = at(4.3, 2.6);
    for (let c = 0; c < 3; c++)
      assert.ok(Math.abs(inner[c] - colour[c]) <= 2, `${colour} read as ${inner.map(Math.round)}`);
    const edge = at(0.2, 6);
    for (let c = 0; c < 3; c++)
      assert.ok(Math.abs(edge[c] - colour[c]) <= 2, `${colour} at the edge read as ${edge.map(Math.round)}`);
    assert.deepEqual(at(-5, -5), [0, 0, 0]);
  }
});

test('the grey of a YUV region equals the luma of the same RGB region', () => {
  const rgb = solid(40, 30, [200, 120, 60]);
  const map = regionMap(5, 5, 20, 20, 8, 8);
  const fromYuv = sampleAffineGrey(toYuv420(rgb), map, 8, 8);
  const fromRgb = sampleAffineGrey(rgb, map, 8, 8);
  for (let i = 0; i < fromRgb.length; i++)
    assert.ok(Math.abs(fromYuv[i] - fromRgb[i]) <= 1, `${fromYuv[i]} vs ${fromRgb[i]}`);
});

describe('a real face, as an RGB photo and as a YUV video frame', () => {
  let pipeline: FacePipeline;
  before(async () => {
    pipeline = await FacePipeline.load({ liveness: true });
  });
  after(() => pipeline.close());

  test('same faces, landmarks within a pixel, embeddings and p(live) as good as equal', async () => {
    for (const [file] of labelledImages('deepface').slice(0, 3)) {
      const rgb = await decodeImage(file);
      const view = {
        width: 320,
        height: 240,
        data: Uint8Array.from(resampleRegion(rgb, 0, 0, rgb.width, rgb.height, 320, 240), (v) => Math.round(v)),
      };
      const yuv = toYuv420(rgb);
      const [fromRgb, fromYuv] = [
        await pipeline.describeFaces(rgb, { detectorView: view }),
        await pipeline.describeFaces(yuv, { detectorView: view }),
      ];
      assert.equal(fromYuv.length, fromRgb.length, file);
      assert.ok(fromRgb.length >= 1, file);
      const [a, b] = [fromRgb[0], fromYuv[0]];
      a.landmarks5.forEach(([x, y], i) =>
        assert.ok(Math.hypot(x - b.landmarks5[i][0], y - b.landmarks5[i][1]) < 1, `landmark ${i} of ${file}`),
      );
      const similarity = cosine(
        await pipeline.embedAligned(a.crops.aligned()),
        await pipeline.embedAligned(b.crops.aligned()),
      );
      assert.ok(similarity > 0.98, `embedding cosine ${similarity} for ${file}`);
      assert.ok(Math.abs(a.quality - b.quality) < 0.05, `quality ${a.quality} vs ${b.quality}`);
      const live = [await pipeline.scoreLiveness(a.crops.liveness()), await pipeline.scoreLiveness(b.crops.liveness())];
      assert.ok(Math.abs(live[0] - live[1]) < 0.05, `p(live) ${live} for ${file}`);
    }
  });
});
