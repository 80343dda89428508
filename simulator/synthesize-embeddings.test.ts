/** The synthetic faces follow what lfw_dev measured: genuine and impostor cosines, the impostor tail included. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../common/seeded-random.ts';
import { cosine } from '../ingest/face/measure-eer.ts';
import { EmbeddingSynthesizer, SUBSPACE_DIM } from './synthesize-embeddings.ts';

test('realistic faces: lfw_dev-like genuine pairs, and an impostor tail as heavy as the real one', () => {
  const synth = new EmbeddingSynthesizer(512, 'realistic', seededRandom(3));
  const people = 1_500;
  const faces = Array.from({ length: people }, (_, p) => synth.sighting(p));
  let [above, pairs] = [0, 0];
  for (let i = 0; i < people; i++)
    for (let j = i + 1; j < people; j++, pairs++) if (cosine(faces[i], faces[j]) >= 0.35) above++;
  // lfw_dev: 6.7e-4 of impostor pairs reach 0.35; a plain Gaussian of the same spread gives 1e-4.
  assert.ok(above / pairs > 3.5e-4 && above / pairs < 1.3e-3, `impostor share at 0.35: ${above / pairs}`);
  const genuine = Array.from({ length: 2_000 }, (_, k) => cosine(synth.sighting(k % 50), synth.sighting(k % 50)));
  const mean = genuine.reduce((a, b) => a + b, 0) / genuine.length;
  assert.ok(Math.abs(mean - 0.676) < 0.03, `genuine mean ${mean}`);
  assert.ok(
    faces.every((f) => f.slice(SUBSPACE_DIM).every((x) => x === 0)),
    'faces live in the subspace',
  );
});

test('perfect faces: one exact embedding per person, strangers far apart', () => {
  const synth = new EmbeddingSynthesizer(64, 'perfect', seededRandom(1));
  assert.deepEqual(synth.sighting(3), synth.centre(3));
  assert.ok(Math.abs(cosine(synth.centre(1), synth.centre(2))) < 0.5);
});

test("a too-small face's weak embedding tells its owner among five as the measured degraded 32 px faces do", () => {
  const synth = new EmbeddingSynthesizer(512, 'realistic', seededRandom(5));
  const people = 1_000;
  const [own, other] = [[] as number[], [] as number[]];
  let top1 = 0;
  for (let p = 0; p < people; p++) {
    const small = synth.smallFace(p);
    const scores = [p, ...[1, 2, 3, 4].map((k) => people + ((p * 4 + k) % (4 * people)))].map((q) =>
      cosine(small, synth.sighting(q)),
    );
    own.push(scores[0]);
    other.push(...scores.slice(1));
    if (scores.every((s) => s <= scores[0])) top1++;
  }
  const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
  // docs/calibration.md, degraded 32 px: own / other medians 0.31 / 0.00, top-1 of 5 90.9 %.
  assert.ok(Math.abs(median(own) - 0.31) < 0.03, `own median ${median(own)}`);
  assert.ok(Math.abs(median(other)) < 0.02, `other median ${median(other)}`);
  assert.ok(top1 / people > 0.86 && top1 / people < 0.96, `top-1 of 5: ${top1 / people}`);
});
