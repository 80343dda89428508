/** Capture acceptance: six real people at 32 and 40 px face width, one at a time and in groups of three, through the camera worker with its default configuration. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FacePipeline, type ShotModelsThread } from '../../ingest/index.ts';
import { ingestConfigSchema, isUnidentified } from '../../schemas/index.ts';
import { capturePeople, captureScene, scoreCapture, type CapturePerson } from '../fixtures/capture-scenes.ts';
import { makeFaceVideo } from '../fixtures/make-face-video.ts';
import { runCapture } from '../harness/run-capture.ts';

const START_MS = 1.75e12;

describe('small faces through the camera worker, default configuration', () => {
  let dir: string;
  let pipeline: FacePipeline;
  let shotModels: ShotModelsThread;
  let people: CapturePerson[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'revisit-small-faces-'));
    pipeline = await FacePipeline.load({ liveness: true });
    shotModels = pipeline.startShotModelsThread();
    people = await capturePeople(pipeline);
  });
  after(async () => {
    await shotModels.close();
    await pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function capture(faceWidthPx: number, groups: 'alone' | 'groups') {
    const scene = captureScene(people, faceWidthPx, groups);
    const video = join(dir, `${groups}-${faceWidthPx}.mp4`);
    await makeFaceVideo(video, scene.segments, { width: 1280, height: 720, noise: 12 });
    const run = await runCapture(pipeline, video, {
      config: ingestConfigSchema.parse({}),
      startMs: START_MS,
      shotModels,
    });
    return { score: scoreCapture(scene, run, START_MS), run };
  }

  for (const groups of ['alone', 'groups'] as const) {
    test(`32 px, ${groups === 'alone' ? 'one at a time' : 'groups of three'}: at least 5 of 6 people are observed or counted as seen, not identified; no one split, no one dropped as a spoof`, async (t) => {
      const { score, run } = await capture(32, groups);
      t.diagnostic(JSON.stringify({ ...score, drops: run.stats.drops }));
      assert.equal(score.people, 6);
      assert.ok(score.seen >= 5, `${score.seen} of 6 seen`);
      assert.equal(score.splits, 0);
      assert.equal(score.strayTracks, 0);
      assert.equal(run.stats.drops.track_spoof, undefined);
      for (const o of run.observations.filter(isUnidentified)) assert.equal(o.embedding.length, 0);
    });

    test(`40 px, ${groups === 'alone' ? 'one at a time' : 'groups of three'}: 6 of 6 people give an observation; no one split, no one dropped as a spoof`, async (t) => {
      const { score, run } = await capture(40, groups);
      t.diagnostic(JSON.stringify({ ...score, drops: run.stats.drops }));
      assert.equal(score.identified, 6);
      assert.equal(score.splits, 0);
      assert.equal(score.strayTracks, 0);
      assert.equal(run.stats.drops.track_spoof, undefined);
    });
  }
});
