/** Acceptance of the camera worker on a generated video of known people: one observation per appearance, gates counted, nothing but observations out. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, test } from 'node:test';
import { createMemoryBus } from '../../common/bus/index.ts';
import {
  cosine,
  FacePipeline,
  ingestVideo,
  ObservationPublisher,
  readVideoFrames,
  recordModelRun,
  ShotModelsThread,
  type ShotModels,
  type VideoFrame,
} from '../../ingest/index.ts';
import { dropsTotal } from '../../ingest/ingest-metrics.ts';
import {
  decodeFaceObservation,
  ingestConfigSchema,
  isUnidentified,
  UnidentifiedReason,
  type FaceObservation,
  type IngestConfigInput,
} from '../../schemas/index.ts';
import { personImages } from '../harness/faces-dir.ts';
import { acceptanceScene, makeFaceVideo } from '../fixtures/make-face-video.ts';

const SITE = 'site-1';
const PEOPLE: [string, string, string] = ['9336923', '9338535', 'anpage'];
// A replay of footage recorded long ago: the window reaches back far enough for START_MS.
const limits = {
  embeddingDim: 512,
  maxMessageBytes: 65_536,
  isKnownSite: (s: string) => s === SITE,
  times: { now: Date.now, maxFutureSkewMs: 300_000, maxPastMsOf: () => 3650 * 86_400_000 },
};
/** The calibrated match threshold (config matching.matchMinCosine). */
const MATCH_MIN_COSINE = 0.45;
const START_MS = 1.75e12;

describe('camera worker on a video of known people', () => {
  let dir: string;
  let video: string;
  let pipeline: FacePipeline;
  const { segments, appearances } = acceptanceScene((p) => personImages('faces94_subset', p), PEOPLE);

  before(async () => {
    // A private temp dir for this process and its ffmpeg children: the shared /tmp sees other
    // programs' files come and go, which would make "the worker wrote nothing" flaky.
    process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'revisit-ingest-tmp-'));
    dir = mkdtempSync(join(tmpdir(), 'revisit-ingest-video-'));
    video = join(dir, 'scene.mp4');
    await makeFaceVideo(video, segments);
    pipeline = await FacePipeline.load({ onModelRun: recordModelRun });
  });
  after(async () => {
    await pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the worker on `frames`, returning its stats and every message it published, raw and decoded. */
  async function run(frames: AsyncIterable<VideoFrame>, overrides: IngestConfigInput = {}, shotModels?: ShotModels) {
    const bus = createMemoryBus();
    const raw: Uint8Array[] = [];
    const sub = await bus.subscribe({ topic: 'obs', groupId: 'g' }, async (batch) => {
      for (const m of batch.messages) raw.push(m.value);
    });
    const stats = await ingestVideo(pipeline, new ObservationPublisher(bus, 'obs', limits), {
      siteId: SITE,
      cameraId: 'cam-1',
      frames,
      config: ingestConfigSchema.parse(overrides),
      shotModels,
    });
    await sub.drain();
    await bus.close();
    const decoded = raw.map((b) => decodeFaceObservation(b, limits)).sort((a, b) => a.tStartMs - b.tStartMs);
    // People seen but not identified (no embedding) apart from the identified ones.
    return {
      stats,
      raw,
      observations: decoded.filter((o) => !isUnidentified(o)),
      unidentified: decoded.filter(isUnidentified),
    };
  }
  /**
   * What is in the temp dir, the working dir and the video's dir. Leaves out tsx's compile cache
   * (transpiled source code, which the decoder thread's loader keeps under the TMPDIR set above).
   */
  const filesAround = () => {
    const list = (d: string) =>
      readdirSync(d)
        .filter((f) => !f.startsWith('tsx-'))
        .sort();
    return { tmp: list(tmpdir()), cwd: list(process.cwd()), dir: list(dir) };
  };
  const framesOf = (source: string) =>
    readVideoFrames(source, {
      fps: 5,
      maxWidth: 1280,
      startMs: START_MS,
      reconnect: ingestConfigSchema.parse({}).reconnect,
      detectorModel: pipeline.modelFile('detect'),
    });

  test('one observation per appearance, same person matching across appearances, gates counted, no file and no pixel out', async (t) => {
    const before = filesAround();
    const staticBefore = await dropCount('track_static_face');
    // As `revisit ingest` runs: liveness and embeddings on the shot-models thread.
    const shotModels = pipeline.startShotModelsThread();
    const { stats, raw, observations, unidentified } = await run(
      framesOf(video),
      { liveness: { action: 'flag' } },
      shotModels,
    ).finally(() => shotModels.close());
    t.diagnostic(
      `${stats.frames} frames, ${stats.faces} faces, ${stats.tracks} tracks → ${observations.length} observations, ${unidentified.length} unidentified; drops ${JSON.stringify(stats.drops)}`,
    );

    // Appearances, by time: one observation each, not one per frame.
    assert.equal(observations.length, appearances.length, `frames per observation ${stats.framesPerObservation}`);
    assert.ok(stats.faces > 4 * observations.length, 'many faces per observation');
    observations.forEach((o, i) => {
      const truth = appearances[i];
      assert.ok(
        o.tStartMs >= START_MS + truth.startS * 1000 && o.tEndMs <= START_MS + truth.endS * 1000,
        `observation ${i} inside appearance ${i}`,
      );
    });
    const [a1, b1, a2, pairFirst, pairSecond] = observations;
    const [b2, c1] =
      cosine(pairFirst.embedding, b1.embedding) > cosine(pairSecond.embedding, b1.embedding)
        ? [pairFirst, pairSecond]
        : [pairSecond, pairFirst];
    const same = [cosine(a1.embedding, a2.embedding), cosine(b1.embedding, b2.embedding)];
    const different = [
      [a1, b1],
      [a1, c1],
      [b1, c1],
      [a2, b2],
    ].map(([x, y]) => cosine(x.embedding, y.embedding));
    t.diagnostic(
      `same person ${same.map((s) => s.toFixed(2))}, different people ${different.map((s) => s.toFixed(2))}`,
    );
    for (const s of same) assert.ok(s >= MATCH_MIN_COSINE, `same person cosine ${s}`);
    for (const s of different) assert.ok(s < MATCH_MIN_COSINE, `different people cosine ${s}`);
    // Faces in the same frames are different people, and say so.
    assert.deepEqual(b2.cannotLinkTrackIds, [c1.trackId]);
    assert.deepEqual(c1.cannotLinkTrackIds, [b2.trackId]);
    assert.deepEqual(a1.cannotLinkTrackIds, []);
    for (const o of observations)
      assert.ok(o.liveness !== undefined && o.liveness >= 0 && o.liveness <= 1, 'flag mode carries p(live)');
    // Two shots of one track, a second or more apart: a genuine pair for label-free calibration.
    const shotCosines = observations.flatMap((o) => (o.shotCosine === undefined ? [] : [o.shotCosine]));
    t.diagnostic(`shot cosines ${shotCosines.map((c) => c.toFixed(2))}`);
    assert.ok(shotCosines.length >= 2, 'tracks whose best shots lie a second apart carry their cosine');
    for (const c of shotCosines) assert.ok(c >= MATCH_MIN_COSINE && c <= 1, `shot cosine ${c}`);

    // The poster gave nothing; the blurred face is a person, seen but not identified: no embedding.
    assert.equal(stats.drops.track_static_face, 1);
    assert.equal(stats.drops.track_low_quality, undefined);
    assert.ok(stats.drops.frame_blurred >= 10, 'the blurred frames were rejected');
    assert.equal(unidentified.length, 1);
    const [blurred] = unidentified;
    assert.deepEqual(
      [blurred.unidentified, blurred.embedding.length, blurred.liveness],
      [UnidentifiedReason.BLURRED, 0, undefined],
    );
    assert.ok(blurred.tStartMs >= START_MS + 23_000, 'the last walk-past, out of focus');
    assert.deepEqual([stats.observations, stats.unidentified], [observations.length, 1]);
    assert.equal(stats.tracks, observations.length + 2);
    assert.equal((await dropCount('track_static_face')) - staticBefore, 1, 'the metric counts what the summary says');

    // Nothing but observations leaves the worker: no file written, small messages with only the contract's fields.
    assert.deepEqual(filesAround(), before);
    for (const bytes of raw) assert.ok(bytes.length < 2600, `a ${bytes.length}-byte message is more than an embedding`);
    for (const o of observations)
      assert.deepEqual(
        Object.keys(o)
          .filter((k) => k !== 'shotCosine')
          .sort(),
        OBSERVATION_FIELDS,
      );
    assert.deepEqual(
      Object.keys(blurred).sort(),
      [...OBSERVATION_FIELDS.filter((f) => f !== 'liveness'), 'unidentified'].sort(),
    );
  });

  test('the shot-models thread gives the very observations the pipeline gives in-process', async () => {
    const shotModels = pipeline.startShotModelsThread();
    const threaded = await run(framesOf(video), { liveness: { action: 'flag' } }, shotModels).finally(() =>
      shotModels.close(),
    );
    const inProcess = await run(framesOf(video), { liveness: { action: 'flag' } });
    const essence = (o: FaceObservation) => ({
      tStartMs: o.tStartMs,
      tEndMs: o.tEndMs,
      embedding: [...o.embedding],
      liveness: o.liveness,
      quality: o.quality,
    });
    assert.equal(threaded.observations.length, appearances.length);
    assert.deepEqual(threaded.observations.map(essence), inProcess.observations.map(essence));
  });

  test('shot models that cannot load fail the ingest with the reason', async () => {
    const missing = join(dir, 'missing.onnx');
    const shotModels = ShotModelsThread.start({ feature: missing, liveness: missing });
    await assert.rejects(
      run(framesOf(video), { liveness: { action: 'off' } }, shotModels).finally(() => shotModels.close()),
      /feature model: model file .*missing\.onnx is missing/,
    );
  });

  test('liveness gate in drop mode drops and counts every track below the threshold', async () => {
    // No real face reaches p(live) = 1: every track that passed the quality gate is a "spoof" here.
    const { stats, observations } = await run(framesOf(video), { liveness: { action: 'drop', minLive: 1 } });
    assert.equal(observations.length, 0);
    assert.equal(stats.drops.track_spoof, appearances.length);
  });

  test('a long looping stream keeps memory bounded: tracks close and their crops are freed', async (t) => {
    const frames: VideoFrame[] = [];
    // Copied: a source reuses its frame buffers once the next frame is asked for.
    for await (const f of framesOf(video)) frames.push(structuredClone(f));
    const loops = 4;
    let heapAfterWarmUp = 0;
    async function* looping(): AsyncGenerator<VideoFrame> {
      for (let loop = 0; loop < loops; loop++) {
        if (loop === 2) heapAfterWarmUp = usedHeapAfterGc();
        for (const f of frames) yield { ...f, tMs: f.tMs + loop * 30_000 };
      }
    }
    const { stats, observations } = await run(looping(), { liveness: { action: 'off' } });
    const growthMb = (usedHeapAfterGc() - heapAfterWarmUp) / 2 ** 20;
    t.diagnostic(
      `${stats.frames} frames, ${observations.length} observations, heap growth after warm-up ${growthMb.toFixed(1)} MB`,
    );
    assert.equal(observations.length, loops * appearances.length);
    // Two loops after warm-up of ~130 frames with 120 faces: a leak of the crops alone would be > 40 MB.
    assert.ok(growthMb < 15, `heap grew ${growthMb.toFixed(1)} MB`);
  });

  test('a missing and a corrupt video fail with an error naming the source', async () => {
    const collect = async (source: string) => {
      for await (const _ of framesOf(source)) void _;
    };
    await assert.rejects(collect(join(dir, 'missing.mp4')), /ffmpeg cannot read .*missing\.mp4: .*No such file/);
    const corrupt = join(dir, 'corrupt.mp4');
    writeFileSync(corrupt, Buffer.alloc(50_000, 7));
    await assert.rejects(collect(corrupt), /ffmpeg cannot read .*corrupt\.mp4: /);
    rmSync(corrupt);
  });

  test('the revisit CLI exits non-zero with one clear line for a corrupt video and a missing source', async () => {
    const corrupt = join(dir, 'corrupt.mp4');
    writeFileSync(corrupt, Buffer.alloc(50_000, 7));
    const cli = (source: string) =>
      promisify(execFile)(
        'node',
        ['bin/revisit.js', 'ingest', '--site', 'demo-store', '--camera', 'c1', '--source', source],
        {
          env: {
            ...process.env,
            REVISIT_DATA_DIR: join(dir, 'data'),
            REVISIT_KEYS_FILE: join(dir, 'keys.json'),
            REVISIT_KAFKA_BROKERS: '',
          },
        },
      ).then(
        () => assert.fail('expected a non-zero exit'),
        (err: { code: number; stderr: string }) => err,
      );
    const missing = await cli(join(dir, 'nope.mp4'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^revisit: source not found: .*nope\.mp4\n$/);
    const bad = await cli(corrupt);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /revisit: ffmpeg cannot read .*corrupt\.mp4/);
  });
});

const OBSERVATION_FIELDS = [
  'cameraId',
  'cannotLinkTrackIds',
  'embedding',
  'liveness',
  'modelId',
  'modelVersion',
  'observationId',
  'quality',
  'siteId',
  'tEndMs',
  'tStartMs',
  'trackId',
];

async function dropCount(reason: string): Promise<number> {
  return (await dropsTotal.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

function usedHeapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return getHeapStatistics().used_heap_size;
}
