/** The decoder thread: ffmpeg's frames with their faces, buffers recycled, nothing left running when the reader stops. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FacePipeline, readVideoFrames } from '../../ingest/index.ts';
import { detectFaces } from '../../ingest/face/detect-faces.ts';
import { TiledFaceDetector } from '../../ingest/face/detect-tiled-faces.ts';
import { createSession } from '../../ingest/face/onnx-session.ts';
import { ingestConfigSchema } from '../../schemas/index.ts';
import { personImages } from '../harness/faces-dir.ts';
import { makeFaceVideo } from '../fixtures/make-face-video.ts';

/** ffmpeg processes whose parent is this process. */
function ffmpegChildren(): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [comm, rest] = [
          stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
          stat.slice(stat.lastIndexOf(')') + 2).split(' '),
        ];
        return comm === 'ffmpeg' && Number(rest[1]) === process.pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

describe('decoder thread', () => {
  let dir: string;
  let video: string;
  let pipeline: FacePipeline;
  const frames = (source: string, detect: boolean) =>
    readVideoFrames(source, {
      fps: 5,
      maxWidth: 1280,
      reconnect: ingestConfigSchema.parse({}).reconnect,
      detectorModel: detect ? pipeline.modelFile('detect') : undefined,
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'revisit-decode-'));
    video = join(dir, 'two.mp4');
    const [a, b] = ['9336923', 'anpage'].map((p) => personImages('faces94_subset', p)[0]);
    await makeFaceVideo(video, [{ images: [a, b], seconds: 3, motion: 'pan' }]);
    pipeline = await FacePipeline.load();
  });
  after(async () => {
    await pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('faces found on the decoder thread are the faces the detector finds in the same frame here', async () => {
    const session = await createSession(pipeline.modelFile('detect'));
    let checked = 0;
    for await (const frame of frames(video, true)) {
      assert.ok(frame.detected, 'a frame carries its faces');
      assert.ok(frame.detected.seconds > 0, 'and the detector run time');
      const here = await detectFaces(session, frame.image, { detectorView: frame.detectorView });
      assert.deepEqual(frame.detected.faces, here);
      checked += here.length;
    }
    await session.release();
    assert.ok(checked >= 2 * 10, `${checked} faces compared`);
  });

  test('with tiles, each frame also carries its tile view, and its faces are what the tiled detector finds in both views here', async () => {
    const session = await createSession(pipeline.modelFile('detect'));
    const detection = { ...ingestConfigSchema.parse({}).detection, mode: 'tiles' as const };
    const here = new TiledFaceDetector(session, detection);
    let frames = 0;
    for await (const frame of readVideoFrames(video, {
      fps: 5,
      maxWidth: 1280,
      reconnect: ingestConfigSchema.parse({}).reconnect,
      detectorModel: pipeline.modelFile('detect'),
      detection,
    })) {
      assert.deepEqual([frame.tileView?.width, frame.tileView?.height], [320, 180], 'the 640×360 frame at scale 2');
      assert.equal(frame.detected?.runs, 2, 'the whole frame and one 320×180 tile');
      assert.deepEqual(
        frame.detected.faces,
        (await here.detect(frame.image, frame.detectorView, frame.tileView)).faces,
      );
      frames++;
    }
    await session.release();
    assert.equal(frames, 15);
  });

  test('a frame stays intact until the next is asked for; then its buffers go back to the decoder', async () => {
    let previous: { y: Uint8Array; view: Uint8Array } | null = null;
    let count = 0;
    for await (const frame of frames(video, false)) {
      assert.equal(frame.detected, undefined, 'no detector asked for, none run');
      assert.equal(frame.image.y.length, frame.image.width * frame.image.height);
      if (previous)
        assert.deepEqual([previous.y.length, previous.view.length], [0, 0], 'the previous frame was handed back');
      previous = { y: frame.image.y, view: frame.detectorView.data };
      count++;
    }
    assert.equal(count, 15);
  });

  test('a detector that cannot start fails the source with the reason, and leaves nothing running', async () => {
    const reader = readVideoFrames(video, {
      fps: 5,
      maxWidth: 1280,
      reconnect: ingestConfigSchema.parse({}).reconnect,
      detectorModel: join(dir, 'missing.onnx'),
    });
    await assert.rejects(async () => {
      for await (const _ of reader) void _;
    }, /face detector: model file .*missing\.onnx is missing/);
    assert.deepEqual(ffmpegChildren(), []);
  });

  test('a reader that stops early leaves no decoder running', async () => {
    for await (const frame of frames(video, true)) {
      assert.ok(frame.image.width > 0);
      assert.equal(ffmpegChildren().length, 1, 'one ffmpeg while reading');
      break;
    }
    assert.deepEqual(ffmpegChildren(), []);
  });
});
