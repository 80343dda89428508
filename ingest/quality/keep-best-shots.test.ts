/** Best-shot selection, pose proxies and the weighted mean embedding, on hand-made values. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { weightedMeanEmbedding } from './average-embeddings.ts';
import { estimatePose } from './estimate-pose.ts';
import { BestShots } from './keep-best-shots.ts';

test('BestShots keeps the K best, best first, and builds payloads only for shots it keeps', () => {
  const shots = new BestShots<number>(2);
  let built = 0;
  for (const score of [0.5, 0.9, 0.1, 0.7, 0.3]) shots.offer(score, score, () => (built++, score));
  assert.deepEqual(
    shots.kept.map((s) => s.payload),
    [0.9, 0.7],
  );
  assert.equal(built, 3, '0.5, 0.9 and 0.7 were kept at the time; 0.1 and 0.3 never built');
  assert.throws(() => new BestShots(0), /positive integer/);
});

test('the weighted mean leans to the heavier embedding and is re-normalised', () => {
  const mean = weightedMeanEmbedding([new Float32Array([1, 0]), new Float32Array([0, 1])], [3, 1]);
  assert.ok(Math.abs(Math.hypot(...mean) - 1) < 1e-6);
  assert.ok(mean[0] > mean[1]);
  assert.ok(Math.abs(mean[0] / mean[1] - 3) < 1e-5);
  assert.throws(
    () => weightedMeanEmbedding([new Float32Array([1, 0]), new Float32Array([-1, 0])], [1, 1]),
    /cancel out/,
  );
  assert.throws(() => weightedMeanEmbedding([], []), /no embeddings/);
});

test('pose proxies: the template face is frontal; a nose shifted towards an eye is yaw; a tilted eye line is roll', () => {
  const template: Array<[number, number]> = [
    [38.29, 51.7],
    [73.53, 51.5],
    [56.03, 71.74],
    [41.55, 92.37],
    [70.73, 92.2],
  ];
  const frontal = estimatePose(template);
  assert.ok(
    Math.abs(frontal.yaw) < 0.02 && Math.abs(frontal.pitch) < 0.02 && Math.abs(frontal.roll) < 0.01,
    JSON.stringify(frontal),
  );
  const turned = estimatePose(template.map(([x, y], i) => [i === 2 ? x + 15 : x, y] as [number, number]));
  assert.ok(turned.yaw > 0.4, `yaw ${turned.yaw}`);
  const tilted = estimatePose(template.map(([x, y]) => [x, y + 0.3 * x] as [number, number]));
  assert.ok(Math.abs(tilted.roll - Math.atan(0.3)) < 0.01);
});
