/** detectFaces with a prepared detector view: the view is used as given, and a wrong-sized one is refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelPath } from '../../models/index.ts';
import { decodeImage } from './decode-image.ts';
import { DETECTOR_INPUT_SIZE, detectFaces } from './detect-faces.ts';
import { createSession } from './onnx-session.ts';
import { resampleRegion } from './resample-region.ts';
import { personImages } from '../../test/harness/faces-dir.ts';

test('a view equal to the internal resample gives the same faces; a view of the wrong size is a clear error', async () => {
  const session = await createSession(modelPath('detect'));
  try {
    const image = await decodeImage(personImages('faces94_subset', '9336923')[0]);
    const { width, height } = DETECTOR_INPUT_SIZE;
    const view = {
      width,
      height,
      data: Uint8Array.from(resampleRegion(image, 0, 0, image.width, image.height, width, height), (v) =>
        Math.round(v),
      ),
    };
    const internal = await detectFaces(session, image);
    const viewed = await detectFaces(session, image, { detectorView: view });
    assert.ok(internal.length >= 1);
    assert.equal(viewed.length, internal.length);
    assert.ok(Math.abs(viewed[0].x1 - internal[0].x1) < 1 && Math.abs(viewed[0].score - internal[0].score) < 0.01);
    await assert.rejects(
      detectFaces(session, image, { detectorView: { width: 160, height: 120, data: new Uint8Array(160 * 120 * 3) } }),
      /detector view must be 320×240, got 160×120/,
    );
  } finally {
    await session.release();
  }
});
