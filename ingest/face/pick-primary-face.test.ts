/** The subject of a photo: the most confident face, near-ties to the most central one. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmbeddedFace } from './face-types.ts';
import { pickPrimaryFace } from './pick-primary-face.ts';

function face(detectorScore: number, x: number, y: number, side: number): EmbeddedFace {
  return {
    box: { x, y, width: side, height: side },
    detectorScore,
    landmarks5: [],
    embedding: new Float32Array(0),
    quality: 1,
  };
}

const frame = { width: 250, height: 250 };

test('a clearly more confident face wins wherever it is', () => {
  const bystander = face(0.97, 0, 0, 120);
  const subject = face(1, 150, 150, 60);
  assert.equal(pickPrimaryFace([bystander, subject], frame), subject);
});

test('near-ties go to the face nearest the centre, not the larger one', () => {
  const large = face(1, 150, 20, 110);
  const central = face(0.995, 85, 85, 80);
  assert.equal(pickPrimaryFace([large, central], frame), central);
  assert.equal(pickPrimaryFace([central, large], frame), central, 'order does not matter');
  assert.equal(pickPrimaryFace([large, central]), large, 'without the frame size: the larger one');
});

test('no faces, no subject', () => {
  assert.equal(pickPrimaryFace([], frame), undefined);
});
