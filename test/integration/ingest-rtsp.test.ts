/** Live RTSP sources against a real RTSP server (rtsp-streaming-server) fed by an ffmpeg publisher: frames flow, a dropped stream reconnects, an unreachable one fails. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readVideoFrames } from '../../ingest/index.ts';
import { personImages } from '../harness/faces-dir.ts';
import { makeFaceVideo } from '../fixtures/make-face-video.ts';
import { findFreePort } from '../../common/process/find-free-port.ts';

const reconnect = { initialDelayMs: 200, maxDelayMs: 1000, maxFailures: 20, stallTimeoutMs: 3000 };

describe('RTSP camera source', () => {
  let dir: string;
  let video: string;
  let server: ChildProcess;
  let publishUrl: string;
  let cameraUrl: string;
  let publisher: ChildProcess | null = null;

  const startPublisher = () => {
    publisher = spawn(
      'ffmpeg',
      [
        '-loglevel',
        'error',
        '-nostdin',
        '-re',
        '-stream_loop',
        '-1',
        '-i',
        video,
        '-c',
        'copy',
        '-f',
        'rtsp',
        publishUrl,
      ],
      { stdio: 'ignore' },
    );
  };
  /** Stops the camera's stream the way ffmpeg stops on Ctrl-C (TEARDOWN): the server then accepts a new ANNOUNCE on the mount. */
  const stopPublisher = async () => {
    const p = publisher;
    publisher = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((resolve) => p.once('exit', resolve));
    p.kill('SIGINT');
    const killer = setTimeout(() => p.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'revisit-ingest-rtsp-'));
    video = join(dir, 'camera.mp4');
    await makeFaceVideo(video, [{ images: [personImages('faces94_subset', 'anpage')[0]], seconds: 4, motion: 'pan' }]);
    const [serverPort, clientPort] = [await findFreePort(), await findFreePort()];
    const rtpPortStart = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    server = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/fixtures/run-rtsp-server.ts',
        String(serverPort),
        String(clientPort),
        String(rtpPortStart),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      server.stdout!.once('data', () => resolve());
      server.once('exit', (code) => reject(new Error(`RTSP server exited with ${code}`)));
    });
    publishUrl = `rtsp://127.0.0.1:${serverPort}/cam1`;
    cameraUrl = `rtsp://127.0.0.1:${clientPort}/cam1`;
  });
  after(async () => {
    await stopPublisher();
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('frames arrive from a live stream, and when the publisher drops and comes back the source reconnects', async (t) => {
    startPublisher();
    const stop = new AbortController();
    // Reconnects before the drop are the publisher's start-up race (the mount 404s until it announces).
    let dropped = false;
    const reconnects: string[] = [];
    let framesBefore = 0;
    let framesAfter = 0;
    const deadline = setTimeout(() => stop.abort(), 60_000);
    for await (const frame of readVideoFrames(cameraUrl, {
      fps: 5,
      maxWidth: 640,
      reconnect,
      signal: stop.signal,
      onReconnect: (_attempt, _delay, reason) => {
        if (!dropped) return;
        reconnects.push(reason);
        // Bring the camera back once the drop is noticed.
        if (reconnects.length === 1) setTimeout(startPublisher, 500);
      },
    })) {
      assert.deepEqual([frame.image.width, frame.image.height], [640, 360]);
      if (!dropped) {
        if (++framesBefore === 5) {
          dropped = true;
          await stopPublisher();
        }
      } else if (reconnects.length > 0 && ++framesAfter === 5) stop.abort();
    }
    clearTimeout(deadline);
    t.diagnostic(
      `${framesBefore} frames, then ${reconnects.length} reconnect attempts (${[...new Set(reconnects)].join(' / ')}), then ${framesAfter} frames`,
    );
    assert.ok(framesBefore >= 5);
    assert.ok(reconnects.length >= 1, 'the drop was noticed');
    assert.equal(framesAfter, 5, 'frames flow again after the publisher is back');
  });

  test('an unreachable stream is given up after maxFailures attempts with the reason', async () => {
    const port = await findFreePort();
    const attempts: number[] = [];
    const frames = readVideoFrames(`rtsp://127.0.0.1:${port}/nothing`, {
      fps: 5,
      maxWidth: 640,
      reconnect: { ...reconnect, maxFailures: 3 },
      onReconnect: (attempt) => attempts.push(attempt),
    });
    await assert.rejects(
      (async () => {
        for await (const _ of frames) assert.fail('no frame expected');
      })(),
      /giving up on rtsp:\/\/127\.0\.0\.1:\d+\/nothing after 3 failed attempts: ffmpeg cannot read .*(Connection refused|refused)/i,
    );
    assert.deepEqual(attempts, [1, 2]);
  });
});
