/** Capture acceptance: six real people at 28, 32 and 40 px face width, one at a time and in groups of three, through the camera worker; and the pairing embeddings of the faces too small to identify. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { decodeImage, FacePipeline, type ShotModelsThread } from '../../ingest/index.ts';
import {
  ingestConfigSchema,
  isUnidentified,
  UnidentifiedReason,
  type FaceObservation,
  type IngestConfigInput,
} from '../../schemas/index.ts';
import {
  capturePeople,
  captureScene,
  scoreCapture,
  scorePairing,
  type CapturePerson,
  type CaptureRun,
  type CaptureScene,
} from '../fixtures/capture-scenes.ts';
import { makeFaceVideo } from '../fixtures/make-face-video.ts';
import { runCapture } from '../harness/run-capture.ts';

const START_MS = 1.75e12;
type Groups = 'alone' | 'groups';

describe('small faces through the camera worker', () => {
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

  /** Runs the worker on the scene's video (made once per width and grouping), default configuration unless overridden. */
  async function capture(faceWidthPx: number, groups: Groups, ingest: IngestConfigInput = {}) {
    const scene = captureScene(people, faceWidthPx, groups);
    const video = join(dir, `${groups}-${faceWidthPx}.mp4`);
    if (!existsSync(video)) await makeFaceVideo(video, scene.segments, { width: 1280, height: 720, noise: 12 });
    const run = await runCapture(pipeline, video, {
      config: ingestConfigSchema.parse(ingest),
      startMs: START_MS,
      shotModels,
    });
    return { scene, score: scoreCapture(scene, run, START_MS), run };
  }

  /** Each person's full-size face from the photo the scene did not use: their identified visit's face. */
  async function fullSizeFaces(groups: Groups): Promise<Map<string, Float32Array>> {
    const faces = new Map<string, Float32Array>();
    for (const p of people) {
      const photo = groups === 'alone' ? p.inGroup : p.alone;
      const [face] = await pipeline.embedFaces(await decodeImage(readFileSync(photo.file)));
      faces.set(p.name, face.embedding);
    }
    return faces;
  }

  /** Every TOO_SMALL observation carries a 512-d unit-norm pairing embedding; every other, none. */
  function assertPairingFields(observations: FaceObservation[]): void {
    for (const o of observations) {
      if (o.unidentified !== UnidentifiedReason.TOO_SMALL) {
        assert.equal(o.pairingEmbedding, undefined, `${o.trackId} is not TOO_SMALL but carries a pairing embedding`);
        continue;
      }
      assert.ok(o.pairingEmbedding, `${o.trackId} is TOO_SMALL without a pairing embedding`);
      assert.equal(o.pairingEmbedding.length, 512);
      const norm = Math.hypot(...o.pairingEmbedding);
      assert.ok(Math.abs(norm - 1) < 1e-3, `norm ${norm}`);
    }
  }

  /** Prints each pairing embedding's cosine to its own people and to the best stranger; returns how many picked their own. */
  async function pairingPicks(t: TestContext, scene: CaptureScene, run: CaptureRun, groups: Groups) {
    const picks = scorePairing(scene, run, START_MS, await fullSizeFaces(groups));
    const round = (c: number) => Math.round(c * 1000) / 1000;
    for (const p of picks) {
      const others = Object.entries(p.cosines).filter(([name]) => !p.walkers.includes(name));
      t.diagnostic(
        JSON.stringify({
          walkers: p.walkers,
          own: p.walkers.map((name) => round(p.cosines[name])),
          bestOther: round(Math.max(...others.map(([, c]) => c))),
          topIsOwn: p.own,
        }),
      );
    }
    const own = picks.filter((p) => p.own).length;
    t.diagnostic(`pairing: own top-1 for ${own} of ${picks.length} tracks`);
    return { picks: picks.length, own };
  }

  for (const groups of ['alone', 'groups'] as const) {
    test(`32 px, ${groups === 'alone' ? 'one at a time' : 'groups of three'}: at least 5 of 6 people are observed or counted as seen, not identified; no one split, no one dropped as a spoof; only the too-small tracks carry a pairing embedding`, async (t) => {
      const { scene, score, run } = await capture(32, groups);
      t.diagnostic(JSON.stringify({ ...score, drops: run.stats.drops }));
      assert.equal(score.people, 6);
      assert.ok(score.seen >= 5, `${score.seen} of 6 seen`);
      assert.equal(score.splits, 0);
      assert.equal(score.strayTracks, 0);
      assert.equal(run.stats.drops.track_spoof, undefined);
      for (const o of run.observations.filter(isUnidentified)) assert.equal(o.embedding.length, 0);
      assertPairingFields(run.observations);
      await pairingPicks(t, scene, run, groups);
    });

    test(`40 px, ${groups === 'alone' ? 'one at a time' : 'groups of three'}: 6 of 6 people give an observation; no one split, no one dropped as a spoof; none carries a pairing embedding`, async (t) => {
      const { score, run } = await capture(40, groups);
      t.diagnostic(JSON.stringify({ ...score, drops: run.stats.drops }));
      assert.equal(score.identified, 6);
      assert.equal(score.splits, 0);
      assert.equal(score.strayTracks, 0);
      assert.equal(run.stats.drops.track_spoof, undefined);
      for (const o of run.observations) assert.equal(o.pairingEmbedding, undefined);
    });
  }

  test('28 px, one at a time: the too-small tracks carry a pairing embedding closest to their own person of six', async (t) => {
    const { scene, score, run } = await capture(28, 'alone');
    t.diagnostic(JSON.stringify({ ...score, drops: run.stats.drops }));
    const tooSmall = run.observations.filter((o) => o.unidentified === UnidentifiedReason.TOO_SMALL);
    assert.ok(tooSmall.length >= 5, `${tooSmall.length} too-small tracks`);
    assertPairingFields(run.observations);
    const { picks, own } = await pairingPicks(t, scene, run, 'alone');
    assert.equal(picks, tooSmall.length);
    assert.ok(own >= picks - 1, `own person top-1 for ${own} of ${picks}`);
  });

  test('28 px, one at a time, quality.pairingEmbeddings false: its too-small tracks carry none', async () => {
    const { run } = await capture(28, 'alone', { quality: { pairingEmbeddings: false } });
    assert.ok(run.observations.filter((o) => o.unidentified === UnidentifiedReason.TOO_SMALL).length >= 5);
    for (const o of run.observations) assert.equal(o.pairingEmbedding, undefined);
  });
});
