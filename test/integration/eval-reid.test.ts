/** `eval reid` through the real ONNX pipeline: the engine against the naive floor on real faces, and the CLI contract. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { FacePipeline } from '../../ingest/face/index.ts';
import { embedLabelledFolder, type LabelledFace } from '../../reid-worker/eval/embed-labelled-folder.ts';
import { EXACT_INDEX, replaySightings } from '../../reid-worker/eval/replay-sightings.ts';
import { naivePolicy, resolvePolicy } from '../../reid-worker/match/match-policy.ts';
import { facesDir, personImages } from '../harness/faces-dir.ts';

const run = promisify(execFile);
const REPO = new URL('../../', import.meta.url).pathname;
/** The calibrated default and stricter settings, where the naive floor starts splitting people. */
const THRESHOLDS = [0.45, 0.5, 0.55];
const SEEDS = [1, 2, 3];

describe('eval reid on real faces', () => {
  const sets = new Map<string, LabelledFace[]>();
  before(async () => {
    const pipeline = await FacePipeline.load({ fetch: true });
    try {
      for (const set of ['deepface', 'faces94_subset']) {
        const { faces, skipped } = await embedLabelledFolder(pipeline, facesDir(set));
        assert.deepEqual(skipped, [], `${set}: every photo has a face`);
        sets.set(set, faces);
      }
    } finally {
      await pipeline.close();
    }
  });

  test('the engine beats the naive floor measured in the same run on BCubed F1 and count error', (t) => {
    let naiveF1 = 0;
    let engineF1 = 0;
    let naiveErr = 0;
    let engineErr = 0;
    for (const [set, faces] of sets) {
      for (const threshold of THRESHOLDS) {
        for (const seed of SEEDS) {
          const naive = replaySightings(faces, { seed, policy: naivePolicy(threshold) }).scores;
          const engine = replaySightings(faces, { seed, policy: resolvePolicy({ matchMinCosine: threshold }) }).scores;
          t.diagnostic(
            `${set} t=${threshold} seed ${seed}: BCubed F1 naive ${naive.bcubed_f1.toFixed(4)} engine ${engine.bcubed_f1.toFixed(4)}; count error naive ${naive.count_error_pct.toFixed(1)} % engine ${engine.count_error_pct.toFixed(1)} %`,
          );
          assert.ok(
            engine.bcubed_f1 >= naive.bcubed_f1 - 1e-12,
            `${set} t=${threshold} seed ${seed}: engine F1 ${engine.bcubed_f1} < naive ${naive.bcubed_f1}`,
          );
          assert.ok(
            Math.abs(engine.count_error_pct) <= Math.abs(naive.count_error_pct),
            `${set} t=${threshold} seed ${seed}: engine count error worse`,
          );
          naiveF1 += naive.bcubed_f1;
          engineF1 += engine.bcubed_f1;
          naiveErr += Math.abs(naive.count_error_pct);
          engineErr += Math.abs(engine.count_error_pct);
        }
      }
    }
    assert.ok(engineF1 > naiveF1, `summed BCubed F1: engine ${engineF1} vs naive ${naiveF1}`);
    assert.ok(engineErr < naiveErr, `summed |count error|: engine ${engineErr} vs naive ${naiveErr}`);
  });

  test("the worker's int8 index gives the identities float32 exact search gives (BCubed F1 within 0.001)", (t) => {
    for (const [set, faces] of sets) {
      for (const threshold of THRESHOLDS) {
        const policy = resolvePolicy({ matchMinCosine: threshold });
        const scaled = replaySightings(faces, { seed: 1, policy }).scores;
        const exact = replaySightings(faces, { seed: 1, policy, index: EXACT_INDEX }).scores;
        t.diagnostic(
          `${set} t=${threshold}: BCubed F1 int8 ${scaled.bcubed_f1.toFixed(4)} exact ${exact.bcubed_f1.toFixed(4)}; ids ${scaled.created_ids} vs ${exact.created_ids}`,
        );
        assert.ok(
          Math.abs(scaled.bcubed_f1 - exact.bcubed_f1) <= 0.001,
          `${set} t=${threshold}: ${scaled.bcubed_f1} vs ${exact.bcubed_f1}`,
        );
      }
    }
  });

  test('at the calibrated default both sets are re-identified without a wrong merge or split', () => {
    for (const [set, faces] of sets) {
      const { scores } = replaySightings(faces, { seed: 7, policy: resolvePolicy({ matchMinCosine: 0.45 }) });
      assert.equal(scores.bcubed_f1, 1, set);
      assert.equal(scores.created_ids, scores.true_ids, set);
    }
  });
});

describe('revisit eval reid (CLI)', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'revisit-eval-'));
    for (const person of ['p01', 'p02']) {
      mkdirSync(join(dir, person));
      personImages('deepface', person)
        .slice(0, 3)
        .forEach((file, i) => copyFileSync(file, join(dir, person, `${i}.jpg`)));
    }
    writeFileSync(join(dir, 'p01', 'broken.jpg'), 'not an image');
    await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 120, g: 120, b: 120 } } })
      .png()
      .toFile(join(dir, 'p02', 'blank.png'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--json prints the stable keys and counts skipped images', async () => {
    const { stdout } = await run(
      'node',
      [join(REPO, 'bin/revisit.js'), 'eval', 'reid', '--faces', dir, '--seed', '3', '--json'],
      { cwd: REPO },
    );
    const report = JSON.parse(stdout);
    for (const key of [
      'true_ids',
      'created_ids',
      'pairwise_precision',
      'pairwise_recall',
      'pairwise_f1',
      'bcubed_precision',
      'bcubed_recall',
      'bcubed_f1',
      'count_error_pct',
    ]) {
      assert.equal(typeof report[key], 'number', key);
    }
    assert.equal(report.true_ids, 2);
    assert.equal(report.images, 8);
    assert.equal(report.skipped, 2);
    assert.deepEqual(report.skipped_images.map((s: { file: string }) => s.file.split('/').pop()).sort(), [
      'blank.png',
      'broken.jpg',
    ]);
    assert.equal(report.bcubed_f1, 1);
  });

  test('a missing folder or a bad option is one clear error line and a non-zero exit', async () => {
    await assert.rejects(
      run('node', [join(REPO, 'bin/revisit.js'), 'eval', 'reid', '--faces', join(dir, 'nope')], { cwd: REPO }),
      (err: { code: number; stderr: string }) => err.code !== 0 && /faces folder not found/.test(err.stderr),
    );
    await assert.rejects(
      run('node', [join(REPO, 'bin/revisit.js'), 'eval', 'reid', '--faces', dir, '--threshold', 'abc'], { cwd: REPO }),
      (err: { code: number; stderr: string }) => err.code !== 0 && /threshold/.test(err.stderr),
    );
  });
});
